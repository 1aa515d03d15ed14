import { inputArgs, type MediaInput, runFfmpeg } from "../ffmpeg";
import { num, type Params, type Tag } from "./types";

interface Selected {
  pts: number;
  score: number;
}

/** Reads the frames `select,metadata=print` logged: a `pts_time` line, then its scene score. */
export function parseSelectedFrames(log: string): Selected[] {
  const frames: Selected[] = [];
  for (const line of log.split("\n")) {
    const pts = /pts_time:(-?[\d.]+)/.exec(line);
    if (pts) frames.push({ pts: Number(pts[1]), score: 0 });
    const score = /lavfi\.scene_score=([\d.]+)/.exec(line);
    const last = frames[frames.length - 1];
    if (score && last) last.score = Number(score[1]);
  }
  return frames;
}

/**
 * Shots of one part. The first frame is always selected so that times can be made relative to
 * the part whatever timestamps the container carries (HLS segments keep their stream time). A
 * part's first shot starts at 0 with no cut; every later shot starts at a detected cut and says
 * so with its `scene_score`.
 */
export function shotsFromFrames(frames: Selected[], durationMs: number): Tag[] {
  const first = frames[0];
  if (!first) return [];
  const cuts = frames
    .slice(1)
    .map((f) => ({ at: Math.round((f.pts - first.pts) * 1000), score: f.score }))
    .filter((c) => c.at > 0 && c.at < durationMs);
  const starts = [{ at: 0, score: undefined as number | undefined }, ...cuts];
  return starts.map((s, i) => ({
    start_time: s.at,
    end_time: starts[i + 1]?.at ?? durationMs,
    text: "shot",
    ...(s.score === undefined ? {} : { additional_info: { scene_score: Number(s.score.toFixed(4)), confidence: Number(Math.min(1, s.score).toFixed(4)) } }),
  }));
}

export async function runShot(media: MediaInput, params: Params): Promise<Tag[]> {
  const filter = `select='eq(n\\,0)+gt(scene\\,${num(params, "threshold")})',metadata=print`;
  const log = await runFfmpeg([...inputArgs(media), "-an", "-vf", filter, "-f", "null", "-"]);
  return shotsFromFrames(parseSelectedFrames(log), media.duration_ms);
}
