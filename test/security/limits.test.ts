import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_MODEL_PARAMS_BYTES, MAX_PARTS_PER_JOB, MAX_TAGS_PER_PART } from "../../src/limits";
import { call, expectError, json, providerCalls, registerHls, registerModel, startJob, upload, waitFor } from "../worker/helpers";
import { feedSnapshot, setupTenant } from "./tenants";

describe("numbers, sizes and counts are bounded", () => {
  it("pages /job-status from any offset, and refuses numbers past a sane bound with 400", async () => {
    const a = await setupTenant("lim-a");
    await registerModel("limm");
    await registerHls("lim1", 1, { token: a.token, tenant: "lim-a" });
    const { jobs } = await startJob("lim1", { jobs: [{ model: "limm" }] }, a.token);
    await waitFor("lim1", jobs[0]!.job_id, ["succeeded"], 20_000, a.token);
    expect((await json(await call("GET", "/job-status?start=1", { token: a.token }), 200)).meta).toMatchObject({ total: 1, start: 1, count: 0 });
    expect((await json(await call("GET", "/lim1/job-status?start=1", { token: a.token }), 200)).meta).toMatchObject({ total: 1, start: 1, count: 0 });
    expect((await json(await call("GET", "/lim1/job-status?limit=0", { token: a.token }), 200)).meta).toMatchObject({ total: 1, count: 0 });
    for (const path of ["/job-status?start=1e20", "/job-status?start=100000000000000000000", "/job-status?limit=99999999999", "/lim1/tags?start=1e20", "/lim1/tags?start=100000000000000000000", "/lim1/tags?limit=10000000", "/contents?start=100000000000000000000", "/lim1/tags?start_time=99999999999999999999"]) {
      await expectError(await call("GET", path, { token: a.token }), 400, "VALIDATION_ERROR");
    }
  });

  it("caps model_params (they are copied into every status answer and feed event)", async () => {
    const a = await setupTenant("lim-b");
    await registerModel("limp");
    await registerHls("lim2", 1, { token: a.token, tenant: "lim-b" });
    const big = { blob: "x".repeat(MAX_MODEL_PARAMS_BYTES) };
    await expectError(await call("POST", "/lim2/tag", { token: a.token, body: { jobs: [{ model: "limp", model_params: big }] } }), 400, /.+/, /model_params.*16384 bytes/);
    await expectError(await call("POST", "/lim2/tag", { token: a.token, body: { jobs: Array.from({ length: 51 }, () => ({ model: "limp" })) } }), 400);
  });

  it("a part with more tags than one D1 batch holds fails with a warning naming the limit; a callback with too many is 400", async () => {
    const a = await setupTenant("lim-c");
    await registerModel("limtags");
    await registerHls("lim3", 1, { token: a.token, tenant: "lim-c" });
    const { jobs } = await startJob("lim3", { jobs: [{ model: "limtags", model_params: { tags_per_part: MAX_TAGS_PER_PART + 1 } }] }, a.token);
    const done = await waitFor("lim3", jobs[0]!.job_id, ["succeeded", "failed"], 20_000, a.token);
    expect(done.tag_details.tagged_parts).toBe(0);
    expect(`${done.error ?? ""} ${done.tag_details.warnings?.last_warning ?? ""}`).toContain(`at most ${MAX_TAGS_PER_PART} tags per part`);
    expect((await json(await call("GET", "/lim3/tags", { token: a.token }), 200)).meta.total).toBe(0);

    await registerModel("limcb");
    await registerHls("lim4", 1, { token: a.token, tenant: "lim-c" });
    const started = await startJob("lim4", { jobs: [{ model: "limcb", model_params: { accept_async: true } }] }, a.token);
    let cb: string | undefined;
    for (let i = 0; i < 100 && !cb; i++) {
      cb = (await providerCalls("limcb"))[0]?.callback_url;
      if (!cb) await new Promise((r) => setTimeout(r, 50));
    }
    const path = new URL(cb!).pathname;
    const tag = (s: number, e: number) => ({ start_time: s, end_time: e, text: "t" });
    await expectError(await call("POST", path, { body: { tags: Array.from({ length: MAX_TAGS_PER_PART + 1 }, () => tag(0, 1)) } }), 400, "VALIDATION_ERROR", /at most 2000 tags/);
    await expectError(await call("POST", path, { body: { tags: [tag(0, 10), tag(500, 100)] } }), 400, "VALIDATION_ERROR", /end_time must not be before start_time/);
    // Refused bodies store nothing and leave the part waiting: the right answer still lands.
    expect((await json(await call("POST", path, { body: { tags: [tag(0, 10)] } }), 200)).tags).toBe(1);
    await waitFor("lim4", started.jobs[0]!.job_id, ["succeeded"], 20_000, a.token);
  });

  it("a playlist of more parts than a job may have fails the job with the limit named", async () => {
    const a = await setupTenant("lim-d");
    await registerModel("limparts");
    await json(await call("PUT", "/contents/lim5", { token: a.token, body: { title: "many", streams: { video: { file: "v.m3u8" } } } }), 201);
    const lines = ["#EXTM3U", "#EXT-X-TARGETDURATION:1"];
    for (let i = 0; i <= MAX_PARTS_PER_JOB; i++) lines.push("#EXTINF:1.0,", `s${i}.ts`);
    lines.push("#EXT-X-ENDLIST");
    await upload("lim5", "v.m3u8", lines.join("\n"), a.token);
    const { jobs } = await startJob("lim5", { jobs: [{ model: "limparts" }] }, a.token);
    const done = await waitFor("lim5", jobs[0]!.job_id, ["failed"], 20_000, a.token);
    expect(done.error).toContain(`would make ${MAX_PARTS_PER_JOB + 1} parts; a job may have at most ${MAX_PARTS_PER_JOB}`);
    expect(await providerCalls("limparts")).toEqual([]);
  });

  it("source reads are streamed and capped: a huge playlist with no length, and a server that ignores Range", async () => {
    const a = await setupTenant("lim-e");
    await registerModel("limsrc");
    await json(await call("PUT", "/contents/lim6", { token: a.token, body: { title: "big", streams: { video: { url: `${env.TEST_PROVIDER_URL}/big-playlist.m3u8` } } } }), 201);
    const one = await startJob("lim6", { jobs: [{ model: "limsrc", overrides: { max_fetch_retries: 0 } }] }, a.token);
    const big = await waitFor("lim6", one.jobs[0]!.job_id, ["failed"], 20_000, a.token);
    expect(big.error).toMatch(/Playlist .* is larger than the limit of 4194304 bytes/);

    await json(await call("PUT", "/contents/lim7", { token: a.token, body: { title: "blob", streams: { video: { url: `${env.TEST_PROVIDER_URL}/norange/blob` } } } }), 201);
    const two = await startJob("lim7", { jobs: [{ model: "limsrc", overrides: { max_fetch_retries: 0 } }] }, a.token);
    const blob = await waitFor("lim7", two.jobs[0]!.job_id, ["failed"], 20_000, a.token);
    expect(blob.error).toMatch(/neither an HLS playlist nor an MP4 file/);
  });

  it("the tenant feed's snapshot is one bounded page, and says when there is more", async () => {
    const a = await setupTenant("lim-f");
    const now = Date.now();
    // 60 finished jobs of this tenant, as D1 holds them (starting 60 real jobs would only make the test slow).
    const insert = env.DB.prepare(
      "INSERT INTO jobs (id, qid, model, stream, tenant_id, user, title, destination_qid, status, params, created_at, started_at, ended_at) VALUES (?, 'feedq', 'm', 'video', 'lim-f', ?, 't', '', 'succeeded', '{}', ?, ?, ?)",
    );
    await env.DB.batch(Array.from({ length: 60 }, (_, i) => insert.bind(`feed-job-${i}`, a.address, now - i, now - i, now - i)));
    const snap = await feedSnapshot("/feed?tenant=lim-f", a.token);
    expect(snap.jobs).toHaveLength(50);
    expect(snap.more).toBe(true);
    expect(snap.jobs[0].job_id).toBe("feed-job-0");
  });
});
