import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "../../reference-provider/ffmpeg";
import { DEMO, samplePath } from "../../reference-provider/sample";
import { freePort, type LocalService, migrateLocal, startLocalService, startReferenceProviderProcess } from "../../scripts/lib/local-service";
import { type FakeFabric, liveMeta, startFakeFabric, vodMeta } from "../support/fake-fabric";

interface Tag {
  start_time: number;
  end_time: number;
  additional_info: { scene_score?: number } | null;
}

/** What these tests read of a job's status. */
interface JobStatus {
  job_id: string;
  status: string;
  title?: string;
  tagging_progress?: string;
  status_reason?: string;
  tag_details?: { warnings?: unknown };
}

const ADMIN = "e2e-admin-token";
/** The development user (DEV_ADDRESS of src/auth/principal.ts, which the Node-side checks cannot import). */
const DEV_ADDRESS = "0xde70000000000000000000000000000000000001";
const CREDENTIAL = "e2e-tenant-fabric-credential";
/** The development user's token (AUTH_MODE=dev reads `PAYLOAD.` unsigned): shown to the fabric at start. */
const USER_TOKEN = `${Buffer.from(JSON.stringify({ qspace_id: "ispc", addr: DEV_ADDRESS })).toString("base64")}.`;
const VOD = "iq__2dFabricMovieE2e";
const LIVE = "iq__3dFabricLiveE2e";
const PART_S = 10;
const LIVE_SEG_S = 4;
const ms = (s: number) => Math.round(s * 1000);

/**
 * Eluvio content end to end: `wrangler dev` and the reference provider as processes, and a
 * loopback content fabric serving the sample as mezzanine parts (fragmented MP4, 10 s each) of
 * an `iq__` content, and as 4 s live segments of a live `iq__` object.
 */
describe("end to end: content in the content fabric, through wrangler dev and the reference provider", () => {
  let dir: string;
  let api: LocalService;
  let provider: LocalService;
  let fake: { fabric: FakeFabric; server: Server; url: string };
  let liveStarted: number;
  let liveSegments: Array<{ file: string }>;

  const call = async <T>(method: string, path: string, body?: unknown, token: string = USER_TOKEN): Promise<T> => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    expect(res.ok, `${method} ${path}: ${res.status} ${text}`).toBe(true);
    return (text ? JSON.parse(text) : null) as T;
  };
  const waitDone = async (qid: string, jobId: string, ms: number) => {
    const until = Date.now() + ms;
    for (;;) {
      const job = (await call<{ jobs: JobStatus[] }>("GET", `/${qid}/job-status`)).jobs.find((j) => j.job_id === jobId)!;
      if (["succeeded", "failed", "cancelled"].includes(job.status) || Date.now() > until) return job;
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const tagsOf = async (qid: string, track: string) => (await call<{ tags: Tag[] }>("GET", `/${qid}/tags?track=${track}&limit=1000`)).tags;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tagger-fabric-e2e-"));
    const parts = join(dir, "parts");
    const live = join(dir, "live");
    mkdirSync(parts);
    mkdirSync(live);
    const encode = ["-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-c:a", "aac", "-f", "segment", "-reset_timestamps", "1"];
    // Mezzanine parts as a fabric keeps them: fragmented MP4, one file per 10 s.
    await runFfmpeg(["-loglevel", "error", "-i", samplePath(DEMO.files.video), ...encode, "-segment_time", String(PART_S), "-segment_format", "mp4", "-segment_format_options", "movflags=frag_keyframe+empty_moov+default_base_moof", join(parts, "part%d.mp4")]);
    await runFfmpeg(["-loglevel", "error", "-i", samplePath(DEMO.files.video), ...encode, "-segment_time", String(LIVE_SEG_S), "-segment_format", "mp4", join(live, "seg%d.mp4")]);
    const partFiles = readdirSync(parts).sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
    const liveFiles = readdirSync(live).sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
    expect(partFiles).toHaveLength(DEMO.duration_s / PART_S);

    fake = await startFakeFabric();
    // The live object has been recording for 40 s: its edge is segment 9 (36-40 s); the black at 44-46 s is yet to come.
    liveStarted = Date.now() - 40_000;
    liveSegments = liveFiles.map((f) => ({ file: join(live, f) }));
    fake.fabric.configure({
      objects: [
        {
          qid: VOD,
          hash: "hq__2dFabricMovieE2eV1",
          tokens: [USER_TOKEN, CREDENTIAL],
          meta: vodMeta({ title: "A film in the fabric", streams: { video: { codec_type: "video", parts: partFiles.map((_, i) => ({ hash: `hqp_part${i}`, seconds: PART_S })) } } }),
          parts: Object.fromEntries(partFiles.map((f, i) => [`hqp_part${i}`, { file: join(parts, f) }])),
        },
        { qid: LIVE, hash: "hq__3dFabricLiveE2eV1", tokens: [USER_TOKEN, CREDENTIAL], meta: liveMeta("A channel in the fabric"), live: { started_ms: liveStarted, segments: liveSegments } },
      ],
    });
    migrateLocal(join(dir, "state"));
    provider = await startReferenceProviderProcess(await freePort());
    api = await startLocalService({
      port: await freePort(),
      persistTo: join(dir, "state"),
      vars: { REFERENCE_PROVIDER_URL: provider.url, URL_SIGNING_KEY: "e2e-signing-key", ADMIN_TOKEN: ADMIN, CREDENTIALS_KEY: "e2e-credentials-key" },
    });
    // The development tenant reads this fabric, with a credential of its own.
    await call("PUT", "/tenants/dev", { name: "Development", fabric_url: fake.url }, ADMIN);
    await call("PUT", `/tenants/dev/members/${DEV_ADDRESS}`, { role: "admin" }, ADMIN);
    await call("PUT", "/tenants/dev/fabric-credential", { token: CREDENTIAL });
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await provider?.stop();
    fake?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("tags an iq__ content with shot: the known cuts, joined across the fabric's parts, in content time", async () => {
    const started = await call<{ jobs: Array<{ job_id: string; started: boolean }> }>("POST", `/${VOD}/tag`, { jobs: [{ model: "shot" }] });
    expect(started.jobs[0]!.started).toBe(true);
    const job = await waitDone(VOD, started.jobs[0]!.job_id, 90_000);
    expect(job, api.output() + provider.output()).toMatchObject({ status: "succeeded", title: "A film in the fabric", tagging_progress: "6/6" });
    expect(job.tag_details?.warnings ?? null).toBeNull();
    const tags = await tagsOf(VOD, "shot_detection");
    expect(tags).toHaveLength(DEMO.cuts_s.length + 1);
    expect(tags[0]?.start_time).toBe(0);
    for (let i = 1; i < tags.length; i++) expect(tags[i]?.start_time).toBe(tags[i - 1]?.end_time);
    const cuts = tags.filter((t) => t.additional_info?.scene_score !== undefined).map((t) => t.start_time);
    expect(cuts).toHaveLength(DEMO.cuts_s.length);
    DEMO.cuts_s.forEach((cut, i) => expect(Math.abs(cuts[i]! - ms(cut))).toBeLessThanOrEqual(100));
    // Media was read with the tenant's credential; the user's token only opened the content.
    const userCalls = fake.fabric.requests.filter((r) => r.token === USER_TOKEN);
    expect(userCalls.map((r) => r.path)).toEqual([`/q/${VOD}`]);
    expect(fake.fabric.requests.filter((r) => r.path.endsWith("/rep/parts_download")).every((r) => r.token === CREDENTIAL)).toBe(true);
  }, 120_000);

  it("tags a live iq__ object with black: the black at 44-46 s of the recording, in wall-clock time", async () => {
    // The recording has been going for 40 s when the job starts (not when the suite set up,
    // which takes as long as starting wrangler dev takes): its edge is segment 9 (36-40 s).
    liveStarted = Date.now() - 40_000;
    fake.fabric.configure({ objects: [{ qid: LIVE, hash: "hq__3dFabricLiveE2eV1", tokens: [USER_TOKEN, CREDENTIAL], meta: liveMeta("A channel in the fabric"), live: { started_ms: liveStarted, segments: liveSegments } }] });
    const started = await call<{ jobs: Array<{ job_id: string; started: boolean }> }>("POST", `/${LIVE}/tag`, { options: { scope: { max_duration: 16 } }, jobs: [{ model: "black" }] });
    expect(started.jobs[0]!.started).toBe(true);
    const job = await waitDone(LIVE, started.jobs[0]!.job_id, 60_000);
    expect(job, api.output() + provider.output()).toMatchObject({ status: "succeeded", status_reason: "max_duration_reached", tagging_progress: "4/4" });
    const black = await tagsOf(LIVE, "black_frames");
    expect(black).toHaveLength(1);
    const [from, to] = DEMO.black_s[0]!;
    expect(Math.abs(black[0]!.start_time - (liveStarted + ms(from)))).toBeLessThanOrEqual(200);
    expect(Math.abs(black[0]!.end_time - (liveStarted + ms(to)))).toBeLessThanOrEqual(200);
  }, 90_000);
});
