import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "../../reference-provider/ffmpeg";
import { DEMO } from "../../reference-provider/sample";
import { registerDemo } from "../../scripts/lib/demo-content";
import { freePort, type LocalService, migrateLocal, startLocalService, startReferenceProviderProcess } from "../../scripts/lib/local-service";

interface StoredTag {
  start_time: number;
  end_time: number;
  text: string;
  source: string;
  frame_info: { frame_idx: number; box?: Record<string, number> } | null;
  additional_info: Record<string, unknown> | null;
}

interface Job {
  job_id: string;
  model: string;
  stream: string;
  status: string;
  tagging_progress: string;
  tag_details: { warnings: unknown } | null;
}

const ms = (s: number) => Math.round(s * 1000);
const FRAME_MS = 1000 / DEMO.fps;
const MODELS = ["shot", "ocr", "black", "silence", "loudness"];

/**
 * The whole service as a user runs it: `wrangler dev` (local D1, R2, Queues, Durable Objects)
 * and the reference provider as separate processes on loopback, real HTTP between them.
 */
describe("end to end: the sample content tagged by every reference model at once", () => {
  let dir: string;
  let api: LocalService;
  let provider: LocalService;
  let jobs: Job[] = [];

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${api.url}${path}`);
    const text = await res.text();
    expect(res.status, `${path}: ${text}`).toBe(200);
    return JSON.parse(text) as T;
  };
  const tagsOf = async (track: string) => (await get<{ tags: StoredTag[] }>(`/${DEMO.qid}/tags?track=${track}&limit=1000`)).tags;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tagger-e2e-"));
    migrateLocal(join(dir, "state"));
    provider = await startReferenceProviderProcess(await freePort());
    // A fresh clone has no .dev.vars: the secrets come as variables.
    api = await startLocalService({ port: await freePort(), persistTo: join(dir, "state"), vars: { REFERENCE_PROVIDER_URL: provider.url, URL_SIGNING_KEY: "e2e-signing-key", ADMIN_TOKEN: "e2e-admin-token" } });
    await registerDemo(api.url);

    const started = await fetch(`${api.url}/${DEMO.qid}/tag`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jobs: MODELS.map((model) => ({ model })) }),
    });
    const body = (await started.json()) as { jobs: Array<{ started: boolean; message: string }> };
    expect(started.status, JSON.stringify(body)).toBe(200);
    expect(body.jobs.map((j) => j.started)).toEqual(MODELS.map(() => true));

    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      jobs = (await get<{ jobs: Job[] }>(`/${DEMO.qid}/job-status`)).jobs;
      if (jobs.length === MODELS.length && jobs.every((j) => ["succeeded", "failed", "cancelled"].includes(j.status))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  afterAll(async () => {
    await api?.stop();
    await provider?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs every job to succeeded over every part, without warnings", () => {
    const parts = DEMO.duration_s / DEMO.part_duration;
    expect(jobs.map((j) => [j.model, j.status, j.tagging_progress]).sort(), api.output() + provider.output()).toEqual(MODELS.map((m) => [m, "succeeded", `${parts}/${parts}`]).sort());
    for (const j of jobs) expect(j.tag_details?.warnings ?? null).toBeNull();
    // Audio models ran on the audio stream, the others on the video.
    expect(Object.fromEntries(jobs.map((j) => [j.model, j.stream]))).toEqual({ shot: "video", ocr: "video", black: "video", silence: "audio", loudness: "audio" });
  });

  it("shot: exactly the seven shots, joined across part boundaries, tiling the content from the known cuts", async () => {
    const tags = await tagsOf("shot_detection");
    expect(tags).toHaveLength(DEMO.cuts_s.length + 1);
    expect(tags[0]?.start_time).toBe(0);
    for (let i = 1; i < tags.length; i++) expect(tags[i]?.start_time).toBe(tags[i - 1]?.end_time);
    expect(tags.at(-1)?.end_time).toBe(DEMO.duration_s * 1000);
    const cuts = tags.filter((t) => t.additional_info?.scene_score !== undefined).map((t) => t.start_time);
    expect(cuts).toHaveLength(DEMO.cuts_s.length);
    DEMO.cuts_s.forEach((cut, i) => expect(Math.abs(cuts[i]! - ms(cut))).toBeLessThanOrEqual(FRAME_MS));
  });

  it("ocr: the word on screen is stored at 42 s (± one frame interval) in content time", async () => {
    const word = (await tagsOf("ocr")).filter((t) => t.text.includes(DEMO.text.word));
    // One segment per word on screen.
    expect(word).toHaveLength(1);
    expect(Math.abs(word[0]!.start_time - ms(DEMO.text.sampled_at_s))).toBeLessThanOrEqual(1000);
    // frame_idx counts frames from the start of the content at the sampling rate (1 fps).
    expect(word[0]!.frame_info?.frame_idx).toBe(DEMO.text.sampled_at_s);
  });

  it("black, silence, loudness: the known intervals in content time, within 0.2 s", async () => {
    const close = (tags: StoredTag[], known: ReadonlyArray<readonly [number, number]>) => {
      expect(tags).toHaveLength(known.length);
      known.forEach(([a, b], i) => {
        expect(Math.abs(tags[i]!.start_time - ms(a))).toBeLessThanOrEqual(200);
        expect(Math.abs(tags[i]!.end_time - ms(b))).toBeLessThanOrEqual(200);
      });
    };
    close(await tagsOf("black_frames"), DEMO.black_s);
    close(await tagsOf("silence"), DEMO.silence_s);
    const loudness = await tagsOf("loudness");
    close(loudness.filter((t) => t.additional_info?.kind === "loud"), DEMO.loud_s);
    expect(loudness.filter((t) => t.additional_info?.kind === "integrated").map((t) => t.start_time)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
  });

  it("lists the five tracks with their models, and the models' params schemas", async () => {
    const { tracks } = await get<{ tracks: Array<{ name: string; models: string[] }> }>(`/${DEMO.qid}/tracks`);
    expect(tracks.map((t) => [t.name, t.models]).sort()).toEqual([["black_frames", ["black"]], ["loudness", ["loudness"]], ["ocr", ["ocr"]], ["shot_detection", ["shot"]], ["silence", ["silence"]]]);
    const ocr = await get<{ params_schema: { properties: Record<string, unknown> }; default_params: Record<string, unknown> }>("/models/ocr");
    expect(Object.keys(ocr.params_schema.properties).sort()).toEqual(["fps", "min_confidence"]);
    expect(ocr.default_params).toEqual({ fps: 1, min_confidence: 0.6 });
  });

  it("broadcast HLS: MPEG-TS segments with H.264 and AAC stereo muxed, registered as both streams, tag with shot and silence", async () => {
    // 12 s in 2 s segments: a cut at 5 s (inside a segment: one on a segment's first frame cannot
    // be told from the boundary, see docs/providers.md), silence from 7 to 9 s (across a boundary).
    const hls = join(dir, "broadcast");
    mkdirSync(hls);
    await runFfmpeg([
      "-loglevel", "error", "-y",
      "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=5",
      "-f", "lavfi", "-i", "smptebars=size=320x240:rate=25:duration=7",
      "-f", "lavfi", "-i", "aevalsrc='if(between(t,7,9),0,0.3*sin(2*PI*440*t))':s=48000:c=stereo:d=12",
      "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0[v]", "-map", "[v]", "-map", "2:a",
      "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "50", "-sc_threshold", "0", "-c:a", "aac",
      "-f", "hls", "-hls_time", "2", "-hls_list_size", "0", "-hls_segment_filename", join(hls, "s%d.ts"), join(hls, "index.m3u8"),
    ].map(String));
    const put = (path: string, body: BodyInit, type = "application/json") => fetch(`${api.url}${path}`, { method: "PUT", headers: { "content-type": type }, body });
    const reg = await put("/contents/broadcast", JSON.stringify({ title: "Broadcast", streams: { video: { file: "index.m3u8" }, audio: { file: "index.m3u8", channels: 2, language: "en" } }, part_duration: 4 }));
    expect(reg.status, await reg.text()).toBe(201);
    for (const f of readdirSync(hls)) {
      const up = await put(`/contents/broadcast/files/${f}`, readFileSync(join(hls, f)), "application/octet-stream");
      expect(up.status, `${f}: ${await up.text()}`).toBe(201);
    }
    const started = await fetch(`${api.url}/broadcast/tag`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jobs: [{ model: "shot" }, { model: "silence" }] }) });
    expect(started.status).toBe(200);
    let done: Job[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      done = (await get<{ jobs: Job[] }>("/broadcast/job-status")).jobs;
      if (done.length === 2 && done.every((j) => ["succeeded", "failed"].includes(j.status))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(done.map((j) => [j.model, j.stream, j.status, j.tag_details?.warnings ?? null]).sort(), api.output() + provider.output()).toEqual([
      ["shot", "video", "succeeded", null],
      ["silence", "audio", "succeeded", null],
    ]);
    const tags = async (track: string) => (await get<{ tags: StoredTag[] }>(`/broadcast/tags?track=${track}`)).tags;
    // Two shots (joined across the 2 s segments), cut at 5 s; one silence, joined across the 8 s boundary.
    const shots = (await tags("shot_detection")).map((t) => [t.start_time, t.end_time]);
    expect(shots).toHaveLength(2);
    expect(shots[0]![0]).toBe(0);
    expect(Math.abs(shots[1]![0]! - 5000)).toBeLessThanOrEqual(40);
    expect(shots[1]![1]).toBe(12_000);
    const silence = await tags("silence");
    expect(silence).toHaveLength(1);
    expect(Math.abs(silence[0]!.start_time - 7000)).toBeLessThanOrEqual(200);
    expect(Math.abs(silence[0]!.end_time - 9000)).toBeLessThanOrEqual(200);
  }, 120_000);
});
