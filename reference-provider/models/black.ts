import { inputArgs, type MediaInput, runFfmpeg } from "../ffmpeg";
import { num, type Params, type Tag } from "./types";

/** `black_start:44 black_end:46 black_duration:2` lines of blackdetect. */
export function parseBlack(log: string, durationMs: number): Tag[] {
  const tags: Tag[] = [];
  for (const m of log.matchAll(/black_start:\s*([\d.]+)\s+black_end:\s*([\d.]+)/g)) {
    const start = Math.round(Number(m[1]) * 1000);
    const end = Math.min(durationMs, Math.round(Number(m[2]) * 1000));
    if (end > start) tags.push({ start_time: start, end_time: end, text: "black" });
  }
  return tags;
}

export async function runBlack(media: MediaInput, params: Params): Promise<Tag[]> {
  // setpts restarts time at the part's first frame (HLS segments keep their stream time).
  const filter = `setpts=PTS-STARTPTS,blackdetect=d=${num(params, "min_duration")}:pix_th=${num(params, "pixel_threshold")}:pic_th=${num(params, "picture_threshold")}`;
  const log = await runFfmpeg([...inputArgs(media), "-an", "-vf", filter, "-f", "null", "-"]);
  return parseBlack(log, media.duration_ms);
}
