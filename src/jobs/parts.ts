/** One unit of work: a piece of a stream (or one image asset) that a model tags on its own. */
export interface PartRef {
  /** Stable across jobs, so diff-based tagging can recognise a part tagged before. */
  id: string;
  idx: number;
  /** Where the part starts in content time, and how long it is (0 for images). */
  start_ms: number;
  duration_ms: number;
  /** `segment`: a file holding just this part; `range`: a time range of a larger file; `image`: an asset. */
  kind: "segment" | "range" | "image";
  /** Where the bytes come from: an http(s) URL or `r2:<key>` for uploaded files. */
  source: string;
  /** HLS byte range of a segment, and an fMP4 init section to prepend. */
  byterange?: { offset: number; length: number };
  init?: string;
  content_type: string;
  /** A live part made of several consecutive segments: their sources, in order (`source` is the first). */
  concat?: Array<{ source: string; byterange?: { offset: number; length: number } }>;
  /** Live parts: media sequence numbers of the segments; `start_ms` is then wall-clock time (ms since the epoch). */
  live?: { msns: number[]; seen_at: number };
}

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
