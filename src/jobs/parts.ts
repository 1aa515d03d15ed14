/** Stable part id for a time part of a stream. */
export const timePartId = (stream: string, startMs: number, endMs: number) => `${stream}/${startMs}-${endMs}`;

/** Parts of a fixed grid of `partMs` over `[0, durationMs)` that overlap `[fromMs, toMs)`. */
export function timeGrid(durationMs: number, partMs: number, fromMs = 0, toMs: number | null = null): Array<{ start: number; end: number }> {
  const end = Math.min(durationMs, toMs ?? Number.POSITIVE_INFINITY);
  const out: Array<{ start: number; end: number }> = [];
  for (let s = Math.floor(fromMs / partMs) * partMs; s < end; s += partMs) {
    out.push({ start: s, end: Math.min(s + partMs, durationMs) });
  }
  return out;
}

/** True when part [start, start+duration) overlaps the scope window (seconds). */
export function overlapsWindow(startMs: number, durationMs: number, fromS: number, toS: number | null): boolean {
  const from = fromS * 1000;
  const to = toS === null ? Number.POSITIVE_INFINITY : toS * 1000;
  return startMs < to && startMs + Math.max(durationMs, 1) > from;
}
