import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "../../reference-provider/ffmpeg";
import { DEMO, samplePath } from "../../reference-provider/sample";
import { freePort, type LocalService, migrateLocal, startLocalService, startReferenceProviderProcess } from "../../scripts/lib/local-service";
import { startTestProvider } from "../support/test-provider";

/** What this test reads of a job's status. */
interface LiveJob {
  job_id: string;
  status: string;
  tag_details: { tagged_parts?: number; tagging_progress?: string; warnings?: unknown } | null;
}

interface Tag {
  start_time: number;
  end_time: number;
  source: string;
  additional_info: { timestamp_ms?: number; scene_score?: number } | null;
}

const SEGMENTS = 40;
const ADMIN = "e2e-admin-token";

/**
 * A live channel tagged while it airs, across a restart of the local runtime: `wrangler dev` and
 * the reference provider as processes, a loopback origin publishing real MPEG-TS segments of the
 * sample once a second.
 */
describe("end to end: a live channel tagged with shot, across a restart of wrangler dev", () => {
  let dir: string;
  let api: LocalService;
  let provider: LocalService;
  let origin: { server: Server; url: string };
  let port: number;
  const state = () => join(dir, "state");
  const vars = () => ({ REFERENCE_PROVIDER_URL: provider.url, URL_SIGNING_KEY: "e2e-signing-key", ADMIN_TOKEN: ADMIN });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tagger-live-e2e-"));
    const segs = join(dir, "segments");
    mkdirSync(segs);
    // One-second MPEG-TS segments of the sample, a keyframe at each.
    await runFfmpeg([
      "-loglevel", "error", "-t", String(SEGMENTS), "-i", samplePath(DEMO.files.video),
      "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-c:a", "aac",
      "-f", "segment", "-segment_time", "1", "-segment_format", "mpegts", join(segs, "seg%d.ts"),
    ]);
    origin = await startTestProvider();
    migrateLocal(state());
    provider = await startReferenceProviderProcess(await freePort());
    port = await freePort();
    api = await startLocalService({ port, persistTo: state(), vars: vars() });
    const res = await fetch(`${origin.url}/live/e2e/config`, { method: "POST", body: JSON.stringify({ segment_s: 1, window: SEGMENTS, real_dir: segs, real_count: SEGMENTS }) });
    expect(res.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await provider?.stop();
    origin?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown, admin = false) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { ...(body ? { "content-type": "application/json" } : {}), ...(admin ? { authorization: `Bearer ${ADMIN}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    expect(res.ok, `${method} ${path}: ${res.status} ${text}`).toBe(true);
    return text ? JSON.parse(text) : null;
  };
  const jobOf = async (id: string) => ((await call("GET", "/live-e2e/job-status")) as { jobs: LiveJob[] }).jobs.find((j) => j.job_id === id)!;

  it("tags 30 s of stream in contiguous 2 s intervals, with no gap and no duplicate across the restart", async () => {
    await call("PUT", "/contents/live-e2e", { title: "Live e2e", streams: { video: { url: `${origin.url}/live/e2e/index.m3u8` } } });
    // The reference provider's shot, with a short timeout so a part lost in the restart is sent again soon.
    await call("PUT", "/models/shot", { type: "video", tag_tracks: [{ name: "shot_detection", label: "Shot Detection" }], provider: { kind: "http", name: "reference", url: provider.url, timeout_s: 10 } }, true);
    const started = await call("POST", "/live-e2e/tag", { options: { scope: { type: "livestream", segment_length: 2, max_duration: 30 } }, jobs: [{ model: "shot" }] });
    const jobId = started.jobs[0].job_id as string;
    expect(started.jobs[0].started).toBe(true);

    // Some intervals tagged, then the runtime goes away and comes back on the same state.
    await expect.poll(async () => (await jobOf(jobId)).tag_details?.tagged_parts ?? 0, { timeout: 30_000, interval: 250 }).toBeGreaterThanOrEqual(3);
    await api.stop();
    await new Promise((r) => setTimeout(r, 3000));
    api = await startLocalService({ port, persistTo: state(), vars: vars() });

    let job = {} as LiveJob;
    const deadline = Date.now() + 100_000;
    while (Date.now() < deadline) {
      job = await jobOf(jobId);
      if (["succeeded", "failed", "cancelled"].includes(job.status)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(job.status, JSON.stringify(job) + api.output().slice(-3000)).toBe("succeeded");
    expect(job.tag_details?.tagging_progress).toBe("15/15");
    expect(job.tag_details).not.toBeNull();
    expect(job.tag_details!.warnings).toBeNull();

    const { tags } = (await call("GET", "/live-e2e/tags?track=shot_detection&limit=1000")) as { tags: Tag[] };
    // Each part's first shot starts where the part starts: one per interval.
    const partStarts = [...new Set(tags.map((t) => t.source))].map((s) => Math.min(...tags.filter((t) => t.source === s).map((t) => t.start_time))).sort((a, b) => a - b);
    expect(partStarts).toHaveLength(15);
    for (let i = 1; i < partStarts.length; i++) expect(partStarts[i]! - partStarts[i - 1]!).toBe(2000);
    // Wall-clock times: increasing, and every tag carries its own.
    const stamps = tags.map((t) => t.additional_info?.timestamp_ms);
    expect(stamps.every((s, i) => typeof s === "number" && (i === 0 || s >= stamps[i - 1]!))).toBe(true);
    // No interval was tagged twice: each (part, shot start) appears once.
    const keys = tags.map((t) => `${t.source}@${t.start_time}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
