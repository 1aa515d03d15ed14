import { inputArgs, type MediaInput, runFfmpeg } from "../ffmpeg";
import { num, type Params, type Tag } from "./types";

/**
 * `silence_start: 23.0187` / `silence_end: 26.0053 | ...` lines of silencedetect. A silence still
 * open when the part ends runs to the part's end.
 */
export function parseSilence(log: string, durationMs: number): Tag[] {
  const tags: Tag[] = [];
  let open: number | null = null;
  for (const line of log.split("\n")) {
    const s = /silence_start:\s*(-?[\d.]+)/.exec(line);
    if (s) open = Math.max(0, Math.round(Number(s[1]) * 1000));
    const e = /silence_end:\s*([\d.]+)/.exec(line);
    if (e && open !== null) {
      tags.push({ start_time: open, end_time: Math.min(durationMs, Math.round(Number(e[1]) * 1000)), text: "silence" });
      open = null;
    }
  }
  if (open !== null && open < durationMs) tags.push({ start_time: open, end_time: durationMs, text: "silence" });
  return tags;
}

export async function runSilence(media: MediaInput, params: Params): Promise<Tag[]> {
  const filter = `asetpts=PTS-STARTPTS,silencedetect=n=${num(params, "noise_db")}dB:d=${num(params, "min_duration")}`;
  const log = await runFfmpeg([...inputArgs(media), "-vn", "-af", filter, "-f", "null", "-"]);
  return parseSilence(log, media.duration_ms);
}
