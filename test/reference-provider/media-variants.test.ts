import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveDirs } from "../support/range-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "../../reference-provider/ffmpeg";
import { stopOcr } from "../../reference-provider/models/ocr";
import { startReferenceProvider } from "../../reference-provider/server";

/*
 * The media people actually have, made here with the npm ffmpeg (6 s each): HLS MPEG-TS with
 * H.264 and AAC muxed, an audio-only rendition, HLS fMP4/CMAF (init + segment, as the service
 * hands them over), progressive MP4; audio mono, stereo and 5.1 at 44.1 and 48 kHz. Every video
 * and audio model must read each, and find what is known to be in it: cuts at 3 s and 4.5 s,
 * black from 4.5 s, silence from 1 s to 2.5 s.
 */
const DURATION_MS = 6000;
const CUTS_MS = [3000, 4500];
const BLACK_MS = [4500, 6000];
const SILENCE_MS = [1000, 2500];

const VIDEO = [
  "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=3",
  "-f", "lavfi", "-i", "smptebars=size=320x240:rate=25:duration=1.5",
  "-f", "lavfi", "-i", "color=c=black:size=320x240:rate=25:duration=1.5",
];
const audio = (rate: number, layout: string) => ["-f", "lavfi", "-i", `aevalsrc='if(between(t,1,2.5),0,0.3*sin(2*PI*440*t))':s=${rate}:c=${layout}:d=6`];
const CONCAT = "[0:v][1:v][2:v]concat=n=3:v=1:a=0[v]";
const H264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "25", "-keyint_min", "1", "-sc_threshold", "0"];

interface Variant {
  name: string;
  file: string;
  /** How the service hands it over: a whole segment (video/audio) or a range of a file. */
  kind: "video" | "audio" | "range";
  video: boolean;
}


describe("reference models on the media people have", () => {
  let dir: string;
  let media: { server: Server; url: string };
  let provider: { server: Server; url: string };
  const variants: Variant[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "variants-"));
    const out = (f: string) => join(dir, f);
    const make = async (args: string[]) => runFfmpeg(["-loglevel", "error", "-y", ...args]);
    // HLS MPEG-TS: H.264 + AAC muxed in one segment (registered as both the video and the audio stream).
    for (const [rate, layout, ch] of [[48000, "stereo", "stereo-48k"], [44100, "mono", "mono-44k"], [48000, "5.1", "5.1-48k"], [44100, "5.1", "5.1-44k"]] as const) {
      await make([...VIDEO, ...audio(rate, layout), "-filter_complex", CONCAT, "-map", "[v]", "-map", "3:a", ...H264, "-c:a", "aac", "-f", "mpegts", out(`ts-${ch}.ts`)]);
      variants.push({ name: `HLS MPEG-TS, H.264 + AAC ${ch} muxed`, file: `ts-${ch}.ts`, kind: "video", video: true });
    }
    // An audio-only rendition segment (AAC in MPEG-TS).
    await make([...audio(48000, "stereo"), "-c:a", "aac", "-f", "mpegts", out("audio-rendition.ts")]);
    variants.push({ name: "HLS audio rendition (AAC in MPEG-TS)", file: "audio-rendition.ts", kind: "audio", video: false });
    // fMP4/CMAF: an init section and a segment, handed over as one file (init first).
    await make([...VIDEO, ...audio(48000, "stereo"), "-filter_complex", CONCAT, "-map", "[v]", "-map", "3:a", ...H264, "-c:a", "aac", "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "6", "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", out("cmaf%d.m4s"), out("cmaf.m3u8")]);
    writeFileSync(out("cmaf-part.mp4"), Buffer.concat([readFileSync(out("init.mp4")), readFileSync(out("cmaf0.m4s"))]));
    variants.push({ name: "HLS fMP4/CMAF (init + segment)", file: "cmaf-part.mp4", kind: "video", video: true });
    // Progressive MP4, read as a range.
    await make([...VIDEO, ...audio(44100, "stereo"), "-filter_complex", CONCAT, "-map", "[v]", "-map", "3:a", ...H264, "-c:a", "aac", "-movflags", "+faststart", out("progressive.mp4")]);
    variants.push({ name: "progressive MP4 (range)", file: "progressive.mp4", kind: "range", video: true });
    writeFileSync(out("not-media.ts"), "this is a text file, not media\n".repeat(100));
    media = await serveDirs([dir]);
    provider = await startReferenceProvider();
  }, 120_000);

  afterAll(async () => {
    media?.server.close();
    provider?.server.close();
    await stopOcr();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(model: string, v: Pick<Variant, "file" | "kind">): Promise<{ status: number; body: { tags?: Array<{ start_time: number; end_time: number; text: string }>; error?: string } }> {
    const res = await fetch(`${provider.url}/v1/tag`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, params: {}, media: { url: `${media.url}/${v.file}`, kind: v.kind, content_type: "video/mp2t", start_ms: 0, duration_ms: DURATION_MS } }),
    });
    return { status: res.status, body: (await res.json()) as never };
  }

  const near = (a: number, b: number, tolerance = 250) => Math.abs(a - b) <= tolerance;

  it("audio models: silence and loudness on every variant with audio", async () => {
    for (const v of variants) {
      const silence = await run("silence", { ...v, kind: v.kind === "video" ? "audio" : v.kind });
      expect(silence.status, `${v.name}: ${silence.body.error}`).toBe(200);
      expect(silence.body.tags?.map((t) => [near(t.start_time, SILENCE_MS[0]!), near(t.end_time, SILENCE_MS[1]!)]), v.name).toEqual([[true, true]]);
      const loudness = await run("loudness", { ...v, kind: v.kind === "video" ? "audio" : v.kind });
      expect(loudness.status, `${v.name}: ${loudness.body.error}`).toBe(200);
      expect(loudness.body.tags?.some((t) => t.text.endsWith("LUFS integrated")), v.name).toBe(true);
    }
  }, 120_000);

  it("video models: shot, black and ocr on every variant with video", async () => {
    for (const v of variants.filter((x) => x.video)) {
      const shot = await run("shot", v);
      expect(shot.status, `${v.name}: ${shot.body.error}`).toBe(200);
      const starts = shot.body.tags!.map((t) => t.start_time);
      expect(starts.length, `${v.name}: ${starts}`).toBe(CUTS_MS.length + 1);
      CUTS_MS.forEach((cut, i) => expect(near(starts[i + 1]!, cut, 80), `${v.name}: cut ${cut} at ${starts[i + 1]}`).toBe(true));
      const black = await run("black", v);
      expect(black.status, `${v.name}: ${black.body.error}`).toBe(200);
      expect(black.body.tags?.map((t) => [near(t.start_time, BLACK_MS[0]!), near(t.end_time, BLACK_MS[1]!)]), v.name).toEqual([[true, true]]);
      const ocr = await run("ocr", v);
      expect(ocr.status, `${v.name}: ${ocr.body.error}`).toBe(200);
    }
  }, 240_000);

  it("media a model cannot read gets a 422 that names the problem", async () => {
    const bad = await run("shot", { file: "not-media.ts", kind: "video" });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatch(/cannot be read as video or audio/);
    const noAudio = await run("silence", { file: "cmaf-part.mp4", kind: "audio" });
    expect(noAudio.status).toBe(200);
    const silent = await run("silence", { file: "not-media.ts", kind: "audio" });
    expect(silent.status).toBe(422);
  }, 60_000);
});
