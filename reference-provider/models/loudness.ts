import { inputArgs, type MediaInput, runFfmpeg } from "../ffmpeg";
import { num, type Params, round3, type Tag } from "./types";

interface Momentary {
  t: number;
  m: number;
}

/** ebur128 logs every 100 ms `t: 0.0999 ... M: -23.1 S: ...`, and a summary with `I: -22.3 LUFS` and `LRA`. */
export function parseEbur128(log: string): { frames: Momentary[]; integrated: number | null; lra: number | null } {
  const frames: Momentary[] = [];
  for (const m of log.matchAll(/\bt:\s*([\d.]+)\s+.*?\bM:\s*(-?[\d.]+|-inf|nan)/g)) {
    frames.push({ t: Number(m[1]), m: Number.isFinite(Number(m[2])) ? Number(m[2]) : -Infinity });
  }
  const summary = log.slice(log.lastIndexOf("Summary:"));
  const i = /I:\s*(-?[\d.]+)\s*LUFS/.exec(summary);
  const lra = /LRA:\s*(-?[\d.]+)\s*LU/.exec(summary);
  return { frames, integrated: i ? Number(i[1]) : null, lra: lra ? Number(lra[1]) : null };
}

// Momentary loudness at t measures [t - 0.4 s, t]: a loud stretch shows from about its start
// until about 0.4 s after its end, in 0.1 s steps.
const WINDOW_S = 0.4;
const STEP_S = 0.1;

/** The part's integrated loudness as one tag, and one tag per stretch louder than `maxLufs`. */
export function loudnessTags(parsed: ReturnType<typeof parseEbur128>, maxLufs: number, durationMs: number): Tag[] {
  const tags: Tag[] = [];
  if (parsed.integrated !== null) {
    tags.push({
      start_time: 0,
      end_time: durationMs,
      text: `${parsed.integrated.toFixed(1)} LUFS integrated`,
      // A measurement of this part alone: not a stretch to join with the next part's.
      additional_info: { kind: "integrated", integrated_lufs: parsed.integrated, loudness_range_lu: parsed.lra, boundary: "none" },
    });
  }
  let run: Momentary[] = [];
  const close = () => {
    if (run.length === 0) return;
    const start = Math.max(0, run[0]!.t - STEP_S / 2);
    const end = Math.max(start + STEP_S, run[run.length - 1]!.t - WINDOW_S + STEP_S / 2);
    const peak = Math.max(...run.map((f) => f.m));
    tags.push({
      start_time: Math.round(start * 1000),
      end_time: Math.min(durationMs, Math.round(end * 1000)),
      text: `louder than ${maxLufs} LUFS`,
      additional_info: { kind: "loud", max_momentary_lufs: round3(peak), max_lufs: maxLufs },
    });
    run = [];
  };
  for (const f of parsed.frames) {
    if (f.m > maxLufs) run.push(f);
    else close();
  }
  close();
  return tags;
}

export async function runLoudness(media: MediaInput, params: Params): Promise<Tag[]> {
  const log = await runFfmpeg([...inputArgs(media), "-vn", "-af", "asetpts=PTS-STARTPTS,ebur128", "-f", "null", "-"]);
  return loudnessTags(parseEbur128(log), num(params, "max_lufs"), media.duration_ms);
}
