import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { FabricConfig, FabricObject, FabricRequest } from "../support/fake-fabric";
import { liveMeta, vodMeta } from "../support/fake-fabric";
import { ADMIN, call, devToken, expectError, json, providerCalls, registerModel, startJob, waitFor, type ApiBody } from "./helpers";

/*
 * Content that lives in a content fabric (iq__… ids), read through the loopback fake fabric of
 * test/support/fake-fabric.ts: the user's token only authorises the start; everything after runs
 * on the tenant's own credential, which is stored sealed and never returned.
 */

const fabricUrl = () => `${env.TEST_PROVIDER_URL}/fabric`;
const ADMIN_USER = "0xfab0000000000000000000000000000000000001";
const OTHER_USER = "0xfab0000000000000000000000000000000000002";
const NOCRED_USER = "0xfab0000000000000000000000000000000000003";
const userToken = devToken(ADMIN_USER);
const otherToken = devToken(OTHER_USER);
const CREDENTIAL = "tenant-fab-service-credential";

async function configureFabric(cfg: Partial<FabricConfig>) {
  const res = await fetch(`${fabricUrl()}/_config`, { method: "POST", body: JSON.stringify({ objects: [], faults: {}, ...cfg }) });
  expect(res.status).toBe(200);
}
async function fabricRequests(path: RegExp): Promise<FabricRequest[]> {
  const res = await fetch(`${fabricUrl()}/_requests`);
  return (await res.json<{ requests: FabricRequest[] }>()).requests.filter((r) => path.test(r.path));
}
/** Media URLs point at this service (PUBLIC_BASE_URL): read them through the Worker. */
async function mediaText(url: string): Promise<string> {
  const path = new URL(url).pathname;
  const res = await call("GET", path);
  expect(res.status).toBe(200);
  return new TextDecoder().decode(await res.arrayBuffer());
}

function vodObject(qid: string, opts: { legacy?: boolean; tokens?: string[] } = {}): FabricObject {
  const hash = qid.replace("iq__", "hq__") + "V2";
  return {
    qid,
    hash,
    tokens: opts.tokens ?? [userToken, CREDENTIAL],
    meta: vodMeta({
      title: `Film ${qid}`,
      legacy: opts.legacy,
      streams: {
        video: { codec_type: "video", parts: [{ hash: "hqp_V1", seconds: 10 }, { hash: "hqp_V2", seconds: 10 }, { hash: "hqp_V3", seconds: 5 }] },
        audio: { codec_type: "audio", parts: [{ hash: "hqp_A1", seconds: 12.5 }, { hash: "hqp_A2", seconds: 12.5 }] },
      },
      assets: { poster: "assets/poster.png", still: "assets/stills/still one.jpg", notes: "assets/notes.txt" },
    }),
    parts: { hqp_V1: `${qid} video part 1`, hqp_V2: `${qid} video part 2`, hqp_V3: `${qid} video part 3`, hqp_A1: `${qid} audio part 1`, hqp_A2: `${qid} audio part 2` },
    files: { "assets/poster.png": `${qid} poster`, "assets/stills/still one.jpg": `${qid} still`, "assets/notes.txt": "not an image" },
  };
}

const jobOf = async (qid: string, id: string) => (await json<ApiBody>(await call("GET", `/${qid}/job-status`, { token: userToken }), 200)).jobs.find((j: ApiBody) => j.job_id === id);

describe("content in the content fabric", () => {
  beforeAll(async () => {
    await json(await call("PUT", "/tenants/fab", { token: ADMIN, body: { name: "Fabric tenant", fabric_url: fabricUrl() } }), 201);
    await json(await call("PUT", `/tenants/fab/members/${ADMIN_USER}`, { token: ADMIN, body: { role: "admin" } }), 200);
    await json(await call("PUT", `/tenants/fab/members/${OTHER_USER}`, { token: ADMIN, body: { role: "member" } }), 200);
    await json(await call("PUT", "/tenants/fab/fabric-credential", { token: userToken, body: { token: CREDENTIAL } }), 200);
    await json(await call("PUT", "/tenants/fab-nocred", { token: ADMIN, body: { name: "No credential", fabric_url: fabricUrl() } }), 201);
    await json(await call("PUT", `/tenants/fab-nocred/members/${NOCRED_USER}`, { token: ADMIN, body: { role: "admin" } }), 200);
    await registerModel("fabshot");
    await registerModel("fabaudio", { type: "audio" });
    await registerModel("fabframe", { type: "frame" });
    await registerModel("fabproc", { type: "processor" });
    await registerModel("fablive");
  });

  it("keeps the tenant's fabric credential sealed and never returns it", async () => {
    const put = await call("PUT", "/tenants/fab/fabric-credential", { token: userToken, body: { token: CREDENTIAL } });
    const text = await put.text();
    expect(put.status).toBe(200);
    expect(text).not.toContain(CREDENTIAL);
    expect(JSON.parse(text)).toMatchObject({ id: "fab", fabric_url: fabricUrl(), fabric_credential: { set: true, updated_at: expect.any(String) } });
    const members = await call("GET", "/tenants/fab/members", { token: userToken });
    expect(await members.text()).not.toContain(CREDENTIAL);
    const row = await env.DB.prepare("SELECT fabric_credential FROM tenants WHERE id = 'fab'").first<{ fabric_credential: string }>();
    expect(row!.fabric_credential).toMatch(/^v1\./);
    expect(row!.fabric_credential).not.toContain(CREDENTIAL);
    // A sealed credential is bound to its tenant: copied to another tenant's row, it does not open.
    await env.DB.prepare("UPDATE tenants SET fabric_credential = ? WHERE id = 'fab-nocred'").bind(row!.fabric_credential).run();
    await configureFabric({ objects: [vodObject("iq__FabCopiedCred1", { tokens: [devToken(NOCRED_USER), CREDENTIAL] })] });
    await expectError(await call("POST", "/iq__FabCopiedCred1/tag", { token: devToken(NOCRED_USER), body: { jobs: [{ model: "fabshot" }] } }), 400, "FABRIC_NOT_CONFIGURED", /cannot be opened/);
    await json(await call("DELETE", "/tenants/fab-nocred/fabric-credential", { token: devToken(NOCRED_USER) }), 204);
    // Only the tenant's admins set it; bad input is refused.
    await expectError(await call("PUT", "/tenants/fab/fabric-credential", { token: otherToken, body: { token: "x" } }), 403);
    await expectError(await call("PUT", "/tenants/fab/fabric-credential", { token: userToken, body: { token: "" } }), 400);
    await expectError(await call("PUT", "/tenants/fab/fabric-credential", { token: userToken, body: { token: "x", extra: 1 } }), 400);
    await expectError(await call("PUT", "/tenants/fab", { token: ADMIN, body: { name: "Fabric tenant", fabric_url: "not a url" } }), 400, "INVALID_URL");
  });

  it("tags an iq__ content's video parts, read with the tenant's credential, in content time", async () => {
    const qid = "iq__FabVodModern1";
    const obj = vodObject(qid);
    await configureFabric({ objects: [obj] });
    const { jobs } = await startJob(qid, { jobs: [{ model: "fabshot" }] }, userToken);
    expect(jobs[0]).toMatchObject({ started: true, stream: "video" });
    const done = await waitFor(qid, jobs[0]!.job_id, ["succeeded", "failed"], 20_000, userToken);
    expect(done).toMatchObject({ status: "succeeded", title: `Film ${qid}`, tagging_progress: "3/3" });

    const calls = (await providerCalls("fabshot")).filter((c) => c.status === 200).sort((a, b) => a.media.start_ms - b.media.start_ms);
    expect(calls.map((c) => [c.media.start_ms, c.media.duration_ms, c.media.content_type])).toEqual([
      [0, 10_000, "video/mp4"],
      [10_000, 10_000, "video/mp4"],
      [20_000, 5_000, "video/mp4"],
    ]);
    expect(await Promise.all(calls.map((c) => mediaText(c.media.url)))).toEqual([obj.parts!.hqp_V1, obj.parts!.hqp_V2, obj.parts!.hqp_V3]);
    const tags = (await json<ApiBody>(await call("GET", `/${qid}/tags?track=fabshot&limit=100`, { token: userToken }), 200)).tags;
    expect(tags.map((t: ApiBody) => t.start_time).sort((a: number, b: number) => a - b)).toEqual([0, 10_000, 20_000]);

    const content = await json<ApiBody>(await call("GET", `/contents/${qid}`, { token: userToken }), 200);
    expect(content).toMatchObject({ qid, tenant: "fab", origin: "fabric", title: `Film ${qid}`, streams: { audio: {}, video: {} }, assets: { "assets/poster.png": {}, "assets/stills/still one.jpg": {} } });

    // The user's token was shown to the fabric once, to check they may read the content; all the
    // rest (metadata, parts) used the tenant's credential.
    const seen = await fabricRequests(new RegExp(`^/q/(${qid}|${obj.hash})`));
    expect(seen.filter((r) => r.token === userToken)).toEqual([{ path: `/q/${qid}`, query: {}, token: userToken }]);
    const parts = seen.filter((r) => r.path.endsWith("/rep/parts_download"));
    expect(parts.map((r) => [r.path, r.query.part_hash, r.token]).sort()).toEqual([
      [`/q/${obj.hash}/rep/parts_download`, "hqp_V1", CREDENTIAL],
      [`/q/${obj.hash}/rep/parts_download`, "hqp_V2", CREDENTIAL],
      [`/q/${obj.hash}/rep/parts_download`, "hqp_V3", CREDENTIAL],
    ]);
    expect(seen.every((r) => r.token === userToken || r.token === CREDENTIAL)).toBe(true);
    // Nothing the service stored holds the user's token.
    const stored = await env.DB.prepare("SELECT params FROM jobs WHERE id = ?").bind(jobs[0]!.job_id).first<{ params: string }>();
    expect(stored!.params).not.toContain(userToken);
  });

  it("reads legacy offerings and audio streams (part durations from the time base)", async () => {
    const qid = "iq__FabVodLegacy1";
    const obj = vodObject(qid, { legacy: true });
    await configureFabric({ objects: [obj] });
    const { jobs } = await startJob(qid, { jobs: [{ model: "fabaudio" }] }, userToken);
    expect(jobs[0]).toMatchObject({ started: true, stream: "audio" });
    expect(await waitFor(qid, jobs[0]!.job_id, ["succeeded", "failed"], 20_000, userToken)).toMatchObject({ status: "succeeded", tagging_progress: "2/2" });
    const calls = (await providerCalls("fabaudio")).filter((c) => c.status === 200).sort((a, b) => a.media.start_ms - b.media.start_ms);
    expect(calls.map((c) => [c.media.start_ms, c.media.duration_ms, c.media.kind, c.media.content_type])).toEqual([
      [0, 12_500, "audio", "audio/mp4"],
      [12_500, 12_500, "audio", "audio/mp4"],
    ]);
    expect(await mediaText(calls[1]!.media.url)).toBe(obj.parts!.hqp_A2);
  });

  it("tags image assets (only images, as the assets metadata links them) and processor chunks", async () => {
    const qid = "iq__FabAssets1";
    const obj = vodObject(qid);
    await configureFabric({ objects: [obj] });
    const a = await startJob(qid, { options: { scope: { type: "assets" } }, jobs: [{ model: "fabframe" }] }, userToken);
    expect(await waitFor(qid, a.jobs[0]!.job_id, ["succeeded", "failed"], 20_000, userToken)).toMatchObject({ status: "succeeded", tagging_progress: "2/2" });
    const images = (await providerCalls("fabframe")).filter((c) => c.status === 200);
    expect(images.map((c) => c.media.kind)).toEqual(["image", "image"]);
    expect((await Promise.all(images.map((c) => mediaText(c.media.url)))).sort()).toEqual([`${qid} poster`, `${qid} still`]);
    await expectError(await call("POST", `/${qid}/tag`, { token: userToken, body: { options: { scope: { type: "assets", assets: ["assets/nope.png"] } }, jobs: [{ model: "fabframe" }] } }), 400, undefined, /nope\.png not found/);

    // A processor fetches its media itself; fabric parts need the tenant's credential, so it gets
    // each part the chunk overlaps at a signed URL of this service.
    const p = await startJob(qid, { options: { scope: { type: "processor", chunk_size: 15 } }, jobs: [{ model: "fabproc" }] }, userToken);
    expect(await waitFor(qid, p.jobs[0]!.job_id, ["succeeded", "failed"], 20_000, userToken)).toMatchObject({ status: "succeeded", tagging_progress: "2/2" });
    const chunks = (await providerCalls("fabproc")).filter((c) => c.status === 200).sort((x, y) => x.media.start_ms - y.media.start_ms);
    expect(chunks.map((c) => [c.media.kind, c.media.start_ms, c.media.duration_ms])).toEqual([
      ["range", 0, 15_000],
      ["range", 15_000, 10_000],
    ]);
    expect(chunks.map((c) => c.media.pieces.map((x: ApiBody) => [x.start_ms, x.duration_ms]))).toEqual([
      [[0, 10_000], [10_000, 10_000]],
      [[10_000, 10_000], [20_000, 5_000]],
    ]);
    expect(await Promise.all(chunks[1]!.media.pieces.map((x: ApiBody) => mediaText(x.url)))).toEqual([obj.parts!.hqp_V2, obj.parts!.hqp_V3]);
  });

  it("refuses a start the fabric does not allow, with the fabric's reason", async () => {
    const qid = "iq__FabPrivate1";
    await configureFabric({ objects: [vodObject(qid, { tokens: [userToken, CREDENTIAL] })] });
    // OTHER_USER is in the tenant, but the fabric does not let their token read this content.
    await expectError(await call("POST", `/${qid}/tag`, { token: otherToken, body: { jobs: [{ model: "fabshot" }] } }), 403, "FABRIC_FORBIDDEN", /token not authorized to read iq__FabPrivate1/);
    await expectError(await call("POST", "/iq__FabMissing1/tag", { token: userToken, body: { jobs: [{ model: "fabshot" }] } }), 404, "CONTENT_NOT_FOUND");
    // A tenant without a credential cannot run fabric jobs: nothing would read the media later.
    await configureFabric({ objects: [vodObject("iq__FabNoCred1", { tokens: [devToken(NOCRED_USER)] })] });
    await expectError(await call("POST", "/iq__FabNoCred1/tag", { token: devToken(NOCRED_USER), body: { jobs: [{ model: "fabshot" }] } }), 400, "FABRIC_NOT_CONFIGURED", /no fabric credential/);
    // A fabric that does not answer: 502 after FABRIC_TIMEOUT_S (2 s here), not a hang.
    await configureFabric({ objects: [vodObject("iq__FabStuck1")], faults: { stall: { match: "^/q/iq__FabStuck1$" } } });
    await expectError(await call("POST", "/iq__FabStuck1/tag", { token: userToken, body: { jobs: [{ model: "fabshot" }] } }), 502, "FABRIC_UNAVAILABLE", /did not answer/);
    // A tenant that reads no fabric (the development tenant here): the id is unknown, as before.
    await expectError(await call("POST", "/iq__FabVodModern1x/tag", { body: { jobs: [{ model: "fabshot" }] } }), 404, "CONTENT_NOT_FOUND", /reads no content fabric/);
    // Not in any of the caller's tenants: no fabric is asked at all.
    await expectError(await call("POST", "/iq__FabVodModern1/tag", { token: devToken("0xfab0000000000000000000000000000000000009"), body: { jobs: [{ model: "fabshot" }] } }), 403);
  });

  it("reports parts the fabric stalls on and listings it refuses, and the jobs end", async () => {
    const qid = "iq__FabBroken1";
    await configureFabric({ objects: [vodObject(qid)], faults: { stall: { match: "/rep/parts_download$" } } });
    const { jobs } = await startJob(qid, { options: { max_fetch_retries: 0 }, jobs: [{ model: "fabshot" }] }, userToken);
    const done = await waitFor(qid, jobs[0]!.job_id, ["succeeded", "failed"], 25_000, userToken);
    // As for any source, a part that cannot be downloaded is a warning, not a tag.
    expect(done.tag_details).toMatchObject({
      total_parts: 3,
      downloaded_parts: 0,
      tagged_parts: 0,
      warnings: { num_warnings: 3, last_warning: expect.stringMatching(/^Failed to download part video\/\d+-\d+: Fetching .*parts_download\?part_hash=hqp_V\d failed: no answer within 2 s$/) },
    });
    // The three parts stall at once, so which warning is last varies: the event log has each.
    const log = await json<ApiBody>(await call("GET", `/jobs/${jobs[0]!.job_id}/events?level=warning`, { token: userToken }), 200);
    const stalled = log.events.map((e: ApiBody) => /part_hash=(hqp_V\d) failed: no answer within 2 s/.exec(e.message)?.[1]).filter(Boolean);
    expect([...new Set(stalled)].sort()).toEqual(["hqp_V1", "hqp_V2", "hqp_V3"]);
    await configureFabric({ objects: [vodObject("iq__FabBroken2")], faults: { fail: { status: 403, match: "/meta/transcodes$" } } });
    const second = await startJob("iq__FabBroken2", { options: { max_fetch_retries: 0 }, jobs: [{ model: "fabshot" }] }, userToken);
    const failed = await waitFor("iq__FabBroken2", second.jobs[0]!.job_id, ["succeeded", "failed"], 20_000, userToken);
    expect(failed).toMatchObject({ status: "failed", error: expect.stringMatching(/^Failed to list parts of iq__FabBroken2: The fabric refused metadata transcodes .*injected failure/) });
  });

  it("tags a live iq__ object segment by segment from its live edge, in wall-clock time", async () => {
    const qid = "iq__FabLive1";
    const started = Date.now() - 30_000;
    await configureFabric({ objects: [{ qid, hash: "hq__FabLive1V1", tokens: [userToken, CREDENTIAL], meta: liveMeta("Channel one"), live: { started_ms: started } }] });
    const { jobs } = await startJob(qid, { options: { scope: { max_duration: 8 } }, jobs: [{ model: "fablive" }] }, userToken);
    const job = await jobOf(qid, jobs[0]!.job_id);
    expect(job.params.scope).toEqual({ type: "livestream", stream: "video", segment_length: 4, max_duration: 8 });
    const done = await waitFor(qid, jobs[0]!.job_id, ["succeeded", "failed", "cancelled"], 20_000, userToken);
    expect(done).toMatchObject({ status: "succeeded", tagging_progress: "2/2", status_reason: "max_duration_reached" });
    const calls = (await providerCalls("fablive")).filter((c) => c.status === 200).sort((a, b) => a.media.start_ms - b.media.start_ms);
    expect(calls).toHaveLength(2);
    // The live edge when the job started was segment 6 (24-28 s of the recording); then segment 7.
    const first = Number((await mediaText(calls[0]!.media.url)).split(" ").at(-1));
    expect(first).toBeGreaterThanOrEqual(6);
    expect(await mediaText(calls[1]!.media.url)).toBe(`live ${qid} video segment ${first + 1}`);
    expect(calls.map((c) => [c.media.start_ms, c.media.duration_ms, c.media.content_type])).toEqual([
      [started + first * 4000, 4000, "video/mp4"],
      [started + (first + 1) * 4000, 4000, "video/mp4"],
    ]);
    const segs = await fabricRequests(new RegExp(`^/q/${qid}/rep/media/segment$`));
    expect(segs[0]).toEqual({ path: `/q/${qid}/rep/media/segment`, query: { duration: "4", stream: "video" }, token: CREDENTIAL });
    expect(segs.slice(1).every((r) => r.token === CREDENTIAL && r.query.num !== undefined)).toBe(true);
  });
});
