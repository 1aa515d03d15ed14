import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveDirs } from "../support/range-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "../../reference-provider/ffmpeg";
import { stopOcr } from "../../reference-provider/models/ocr";
import { parseSelectedFrames, shotsFromFrames } from "../../reference-provider/models/shot";
import { DEMO, SAMPLE_DIR } from "../../reference-provider/sample";
import { startReferenceProvider } from "../../reference-provider/server";

interface Tag {
  start_time: number;
  end_time: number;
  text: string;
  track: string;
  frame_info?: { frame_idx: number; box?: { x1: number; y1: number; x2: number; y2: number } };
  additional_info?: Record<string, unknown>;
}


const PART_MS = DEMO.part_duration * 1000;
const FRAME_MS = 1000 / DEMO.fps;
const ms = (s: number) => Math.round(s * 1000);

describe("shot parsing", () => {
  it("makes times relative to the part's first frame, whatever the container's timestamps", () => {
    const log = [
      "[Parsed_metadata_1 @ 0x1] frame:0    pts:126000  pts_time:11.4",
      "[Parsed_metadata_1 @ 0x1] lavfi.scene_score=0.000000",
      "[Parsed_metadata_1 @ 0x1] frame:1    pts:396000  pts_time:14.4",
      "[Parsed_metadata_1 @ 0x1] lavfi.scene_score=0.912345",
    ].join("\n");
    expect(shotsFromFrames(parseSelectedFrames(log), 10_000)).toEqual([
      { start_time: 0, end_time: 3000, text: "shot" },
      { start_time: 3000, end_time: 10_000, text: "shot", additional_info: { scene_score: 0.9123, confidence: 0.9123 } },
    ]);
  });

  it("answers no shots for a part with no frames", () => {
    expect(shotsFromFrames(parseSelectedFrames("Output file is empty"), 10_000)).toEqual([]);
  });
});

describe("reference provider models on the sample content, over loopback", () => {
  let hls: string;
  let media: { server: Server; url: string };
  let provider: { server: Server; url: string };
  let segments: Array<{ file: string; start_ms: number; duration_ms: number }>;

  beforeAll(async () => {
    hls = mkdtempSync(join(tmpdir(), "refprov-"));
    // The same content as HLS segments: MPEG-TS keeps stream timestamps that do not start at 0,
    // and segments end on keyframes, so their times come from the playlist.
    await runFfmpeg(["-loglevel", "error", "-i", join(SAMPLE_DIR, DEMO.files.video), "-c", "copy", "-f", "hls", "-hls_time", "10", "-hls_list_size", "0", "-hls_segment_filename", join(hls, "seg%d.ts"), join(hls, "demo.m3u8")]);
    const durations = [...readFileSync(join(hls, "demo.m3u8"), "utf8").matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Math.round(Number(m[1]) * 1000));
    let at = 0;
    segments = durations.map((d, i) => {
      const seg = { file: `seg${i}.ts`, start_ms: at, duration_ms: d };
      at += d;
      return seg;
    });
    media = await serveDirs([SAMPLE_DIR, hls]);
    provider = await startReferenceProvider();
  }, 60_000);

  afterAll(async () => {
    media.server.close();
    provider.server.close();
    await stopOcr();
    rmSync(hls, { recursive: true, force: true });
  });

  async function tag(body: unknown): Promise<Response> {
    return fetch(`${provider.url}/v1/tag`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
  }
  const request = (model: string, kind: string, file: string, start_ms: number, duration_ms: number, params: Record<string, unknown> = {}) => ({
    model,
    params,
    media: { url: `${media.url}/${file}`, kind, content_type: "video/mp4", start_ms, duration_ms },
  });

  /** Runs a model over every 10 s part of demo.mp4 (as `range` parts) and answers its tags in content time. */
  async function overRanges(model: string, params: Record<string, unknown> = {}): Promise<Tag[]> {
    const all: Tag[] = [];
    for (let start = 0; start < DEMO.duration_s * 1000; start += PART_MS) {
      const res = await tag(request(model, "range", DEMO.files.video, start, PART_MS, params));
      expect(res.status, await res.clone().text()).toBe(200);
      const { tags } = (await res.json()) as { tags: Tag[] };
      all.push(...tags.map((t) => ({ ...t, start_time: t.start_time + start, end_time: t.end_time + start })));
    }
    return all;
  }

  async function overSegments(model: string, kind: "video" | "audio"): Promise<Tag[]> {
    const all: Tag[] = [];
    for (const s of segments) {
      const res = await tag(request(model, kind, s.file, s.start_ms, s.duration_ms));
      expect(res.status, await res.clone().text()).toBe(200);
      const { tags } = (await res.json()) as { tags: Tag[] };
      all.push(...tags.map((t) => ({ ...t, start_time: t.start_time + s.start_ms, end_time: t.end_time + s.start_ms })));
    }
    return all;
  }

  const expectIntervals = (tags: Tag[], known: ReadonlyArray<readonly [number, number]>, toleranceMs: number) => {
    expect(tags.map((t) => [t.start_time, t.end_time])).toHaveLength(known.length);
    known.forEach(([a, b], i) => {
      expect(Math.abs(tags[i]!.start_time - ms(a)), `start of ${a}-${b}`).toBeLessThanOrEqual(toleranceMs);
      expect(Math.abs(tags[i]!.end_time - ms(b)), `end of ${a}-${b}`).toBeLessThanOrEqual(toleranceMs);
    });
  };

  it("shot: finds exactly the known cuts, in MP4 ranges and in HLS segments", async () => {
    const cutsOf = (tags: Tag[]) => tags.filter((t) => t.additional_info).map((t) => t.start_time);
    const ranges = await overRanges("shot");
    expect(ranges.every((t) => t.track === "shot_detection")).toBe(true);
    expect(cutsOf(ranges)).toEqual(DEMO.cuts_s.map(ms));
    const segs = cutsOf(await overSegments("shot", "video"));
    expect(segs).toHaveLength(DEMO.cuts_s.length);
    DEMO.cuts_s.forEach((cut, i) => expect(Math.abs(segs[i]! - ms(cut))).toBeLessThanOrEqual(FRAME_MS));
  });

  it("black: finds the black interval within 0.2 s", async () => {
    const tags = await overRanges("black");
    expect(tags.every((t) => t.track === "black_frames" && t.text === "black")).toBe(true);
    expectIntervals(tags, DEMO.black_s, 200);
    expectIntervals(await overSegments("black", "video"), DEMO.black_s, 200);
  });

  it("silence: finds the silent interval within 0.2 s, in the audio of ranges and of segments", async () => {
    const tags = await overRanges("silence");
    expect(tags.every((t) => t.track === "silence")).toBe(true);
    expectIntervals(tags, DEMO.silence_s, 200);
    expectIntervals(await overSegments("silence", "audio"), DEMO.silence_s, 200);
  });

  it("loudness: integrated loudness for every part and the stretch louder than max_lufs within 0.2 s", async () => {
    const tags = await overRanges("loudness");
    const integrated = tags.filter((t) => t.additional_info?.kind === "integrated");
    expect(integrated).toHaveLength(DEMO.duration_s / DEMO.part_duration);
    for (const t of integrated) expect(t.additional_info?.integrated_lufs).toEqual(expect.any(Number));
    // The part holding the full-scale tone is far louder than the others.
    const loudPart = integrated.find((t) => t.start_time === 50_000)!;
    const quietPart = integrated.find((t) => t.start_time === 0)!;
    expect(Number(loudPart.additional_info!.integrated_lufs)).toBeGreaterThan(Number(quietPart.additional_info!.integrated_lufs) + 10);
    expectIntervals(tags.filter((t) => t.additional_info?.kind === "loud"), DEMO.loud_s, 200);
    // A lower limit makes the whole tone loud: a stretch per part, none during the silence.
    const all = (await overRanges("loudness", { max_lufs: -40 })).filter((t) => t.additional_info?.kind === "loud");
    expect(all.some((t) => t.start_time < ms(DEMO.silence_s[0]![0]) && t.end_time > ms(DEMO.silence_s[0]![1]))).toBe(false);
  });

  it("ocr: reads the word on screen in the frame sampled at 42 s, with its box and confidence", async () => {
    const partStart = Math.floor(DEMO.text.sampled_at_s / DEMO.part_duration) * PART_MS;
    const res = await tag(request("ocr", "range", DEMO.files.video, partStart, PART_MS));
    expect(res.status).toBe(200);
    const { tags } = (await res.json()) as { tags: Tag[] };
    const word = tags.filter((t) => t.text.includes(DEMO.text.word));
    expect(word).toHaveLength(1);
    expect(word[0]!.track).toBe("ocr");
    expect(partStart + word[0]!.start_time).toBe(ms(DEMO.text.sampled_at_s));
    expect(word[0]!.end_time - word[0]!.start_time).toBe(1000);
    expect(word[0]!.frame_info?.frame_idx).toBe(DEMO.text.sampled_at_s - partStart / 1000);
    const box = word[0]!.frame_info!.box!;
    // Centered on screen.
    expect((box.x1 + box.x2) / 2).toBeCloseTo(0.5, 1);
    expect((box.y1 + box.y2) / 2).toBeCloseTo(0.5, 1);
    expect(Number(word[0]!.additional_info?.confidence)).toBeGreaterThan(0.6);
    // At 2 frames a second the word is seen twice (41.5 s and 42.0 s).
    const twice = (await (await tag(request("ocr", "range", DEMO.files.video, partStart, PART_MS, { fps: 2 }))).json()) as { tags: Tag[] };
    expect(twice.tags.filter((t) => t.text.includes(DEMO.text.word)).map((t) => t.frame_info?.frame_idx)).toEqual([3, 4]);
  });

  it("ocr: reads an image asset", async () => {
    const res = await tag({ model: "ocr", params: {}, media: { url: `${media.url}/${DEMO.files.image}`, kind: "image", content_type: "image/png", start_ms: 0, duration_ms: 0 } });
    const { tags } = (await res.json()) as { tags: Tag[] };
    expect(tags.map((t) => t.text)).toEqual([DEMO.image_text]);
    expect(tags[0]!.frame_info?.frame_idx).toBe(0);
  });

  it("answers 400 to requests that break the protocol or the params schema, and names the problem", async () => {
    expect((await tag("not json")).status).toBe(400);
    const missing = await tag({ model: "shot" });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/media/);
    const unknown = await tag({ ...request("nope", "range", DEMO.files.video, 0, PART_MS) });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toMatch(/unknown model nope/);
    const badParams = await tag(request("shot", "range", DEMO.files.video, 0, PART_MS, { threshold: 3 }));
    expect(badParams.status).toBe(400);
    expect(await badParams.text()).toMatch(/threshold/);
    // Keys the model does not declare are not judged (clients send keys for other providers).
    const extra = await tag(request("black", "range", DEMO.files.video, 0, PART_MS, { colour: "red" }));
    expect(extra.status).toBe(200);
  });

  it("treats missing media as permanent (4xx) and unreachable media as transient (5xx)", async () => {
    expect((await tag(request("shot", "range", "gone.mp4", 0, PART_MS))).status).toBe(422);
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    expect((await tag({ ...request("shot", "video", "x.ts", 0, PART_MS), media: { url: `http://127.0.0.1:${closed}/x.ts`, kind: "video", content_type: "video/mp2t", start_ms: 0, duration_ms: PART_MS } })).status).toBe(503);
  });
});
