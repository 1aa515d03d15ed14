import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createScheduler, createWorker, OEM, type Scheduler } from "tesseract.js";
import { inputArgs, MediaError, type MediaInput, runFfmpeg } from "../ffmpeg";
import { num, type Params, round3, type Tag } from "./types";

const require = createRequire(import.meta.url);
// English LSTM data from the npm package: nothing is downloaded at run time.
const LANG_PATH = join(dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int");

let scheduler: Promise<Scheduler> | undefined;

/** Tesseract workers, created on first use (about 0.3 s each) and shared by every request. */
function ocrScheduler(): Promise<Scheduler> {
  scheduler ??= (async () => {
    const s = createScheduler();
    const n = Math.max(1, Math.min(2, availableParallelism()));
    for (let i = 0; i < n; i++) s.addWorker(await createWorker("eng", OEM.LSTM_ONLY, { langPath: LANG_PATH, gzip: true, cacheMethod: "none" }));
    return s;
  })();
  return scheduler;
}

export async function stopOcr(): Promise<void> {
  if (scheduler) await (await scheduler).terminate();
  scheduler = undefined;
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.length < 24 || png.toString("ascii", 1, 4) !== "PNG") throw new MediaError("frame is not a PNG");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

export interface OcrLine {
  text: string;
  confidence: number;
  box: { x1: number; y1: number; x2: number; y2: number };
}

/** The text lines of one image, boxes as fractions of its size. */
export async function readLines(image: Buffer, width: number, height: number): Promise<OcrLine[]> {
  const s = await ocrScheduler();
  const { data } = await s.addJob("recognize", image, {}, { blocks: true, text: false });
  return (data.blocks ?? [])
    .flatMap((b) => b.paragraphs.flatMap((p) => p.lines))
    .map((l) => ({
      text: l.text.trim(),
      confidence: round3(l.confidence),
      box: { x1: round3(l.bbox.x0 / width), y1: round3(l.bbox.y0 / height), x2: round3(l.bbox.x1 / width), y2: round3(l.bbox.y1 / height) },
    }))
    .filter((l) => l.text.length > 0);
}

function lineTags(lines: OcrLine[], minConfidence: number, frameIdx: number, startMs: number, endMs: number): Tag[] {
  return lines
    // Tesseract reads confidence as 0-100; params and tags speak 0-1.
    .filter((l) => l.confidence / 100 >= minConfidence)
    .map((l) => ({ start_time: startMs, end_time: endMs, text: l.text, frame_info: { frame_idx: frameIdx, box: l.box }, additional_info: { confidence: Number((l.confidence / 100).toFixed(4)) } }));
}

/** A part: frames sampled at `fps` (frame n at n / fps s), one tag per line read. An image: its lines. */
export async function runOcr(media: MediaInput, params: Params): Promise<Tag[]> {
  const minConfidence = num(params, "min_confidence");
  if (media.kind === "image") {
    const res = await fetch(media.url);
    if (!res.ok) throw new MediaError(`image fetch answered ${res.status}`);
    const png = Buffer.from(await res.arrayBuffer());
    // Non-PNG images are converted so their size is known.
    const frame = png.toString("ascii", 1, 4) === "PNG" ? png : await toPng(media);
    const { width, height } = pngSize(frame);
    return lineTags(await readLines(frame, width, height), minConfidence, 0, 0, 0);
  }
  const fps = num(params, "fps");
  const dir = await mkdtemp(join(tmpdir(), "ocr-"));
  try {
    await runFfmpeg([...inputArgs(media), "-an", "-vf", `setpts=PTS-STARTPTS,fps=${fps}`, "-start_number", "0", join(dir, "f%06d.png")]);
    const files = (await readdir(dir)).filter((f) => f.endsWith(".png")).sort();
    const frameMs = 1000 / fps;
    const tags: Tag[] = [];
    for (const file of files) {
      const idx = Number(file.slice(1, 7));
      const start = Math.round(idx * frameMs);
      if (start >= media.duration_ms) continue;
      const png = await readFile(join(dir, file));
      const { width, height } = pngSize(png);
      tags.push(...lineTags(await readLines(png, width, height), minConfidence, idx, start, Math.min(media.duration_ms, Math.round((idx + 1) * frameMs))));
    }
    return tags;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function toPng(media: MediaInput): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), "ocr-"));
  try {
    await runFfmpeg(["-i", media.url, "-frames:v", "1", join(dir, "image.png")]);
    return await readFile(join(dir, "image.png"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
