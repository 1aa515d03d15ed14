import type { PartRef } from "../contract/part";
import type { LiveSegmentInput } from "../contract/live";

/*
 * Pure functions of the live flow: which segments of a playlist answer are new, and how they
 * group into parts. No storage and no I/O, so they are unit-tested on their own (test/unit).
 */

/** The runner's live state: one row, beside the job row. */
export interface LiveState {
  segment_length_ms: number;
  max_duration_ms: number | null;
  target_ms: number;
  /** Stream time handed to parts so far (what max_duration counts). */
  covered_ms: number;
  poll_failures: number;
  /** No more polling: max_duration reached, the playlist ended, or the job ended. */
  done: number;
  next_poll_at: number;
  last_msn: number | null;
  last_disc: number | null;
  /** Wall-clock end of the last segment seen, to continue a playlist without dates. */
  last_wall_end: number | null;
  parts_created: number;
  live_lag_ms: number | null;
  last_wall_ms: number | null;
}

export interface PendingSegment extends LiveSegmentInput {
  wall_ms: number;
  seen_at: number;
}

/** What a playlist answer adds: the new segments (with wall-clock times) and where reading got to. */
export interface Intake {
  added: PendingSegment[];
  last_msn: number | null;
  last_disc: number | null;
  last_wall_end: number | null;
  /** Segments that left the playlist before they were seen, and the first of them. */
  missed: number;
  first_missed: number | null;
}

/**
 * Which segments of a playlist answer are new: after the last one seen, in a later
 * discontinuity, or a restarted sequence. A job's first answer starts it at the live edge (the
 * newest part's worth of segments). Times come from the program date, else continue from the
 * last segment seen, else are counted back from now.
 */
export function intakeSegments(live: LiveState, segments: LiveSegmentInput[], now: number): Intake {
  const newest = segments.at(-1);
  const restarted = newest !== undefined && live.last_msn !== null && newest.discontinuity === live.last_disc && newest.msn < live.last_msn;
  let lastMsn = restarted ? null : live.last_msn;
  let lastDisc = live.last_disc;
  let wallEnd = live.last_wall_end;
  let missed = 0;
  let firstMissed: number | null = null;
  let edge = 0;
  if (lastMsn === null) {
    let sum = 0;
    edge = segments.length;
    while (edge > 0 && sum < live.segment_length_ms) sum += segments[--edge]!.duration_ms;
  }
  const after = (i: number) => segments.slice(i + 1).reduce((t, s) => t + s.duration_ms, 0);
  const added: PendingSegment[] = [];
  segments.forEach((seg, i) => {
    const seen = lastMsn !== null && (seg.discontinuity < (lastDisc ?? 0) || (seg.discontinuity === lastDisc && seg.msn <= lastMsn));
    if (seen || i < edge) return;
    if (lastMsn !== null && seg.discontinuity === lastDisc && seg.msn > lastMsn + 1) {
      missed += seg.msn - lastMsn - 1;
      firstMissed ??= lastMsn + 1;
    }
    const contiguous = wallEnd !== null && lastMsn !== null && seg.discontinuity === lastDisc && seg.msn === lastMsn + 1;
    const wall = seg.program_date_ms ?? (contiguous ? wallEnd! : now - after(i) - seg.duration_ms);
    added.push({ ...seg, wall_ms: wall, seen_at: now });
    lastMsn = seg.msn;
    lastDisc = seg.discontinuity;
    wallEnd = wall + seg.duration_ms;
  });
  return { added, last_msn: lastMsn, last_disc: lastDisc, last_wall_end: wallEnd, missed, first_missed: firstMissed };
}

/** Parts made of whole groups of pending segments, up to max_duration; named by their wall-clock start. */
export function formParts(pending: PendingSegment[], live: LiveState, stream: string, ended: boolean) {
  let covered = live.covered_ms;
  let created = live.parts_created;
  const parts: PartRef[] = [];
  const used: PendingSegment[] = [];
  for (const g of groupSegments(pending, live.segment_length_ms, ended)) {
    if (live.max_duration_ms !== null && covered >= live.max_duration_ms) break;
    used.push(...g);
    const duration = g.reduce((t, s) => t + s.duration_ms, 0);
    covered += duration;
    const first = g[0]!;
    parts.push({
      id: `${stream}/live/${first.wall_ms}`,
      idx: created++,
      start_ms: first.wall_ms,
      duration_ms: duration,
      kind: "segment",
      source: first.source,
      ...(first.byterange ? { byterange: first.byterange } : {}),
      ...(g.length > 1 ? { concat: g.map((s) => ({ source: s.source, ...(s.byterange ? { byterange: s.byterange } : {}) })) } : {}),
      ...(first.init ? { init: first.init } : {}),
      content_type: first.content_type ?? (first.init ? "video/mp4" : "video/mp2t"),
      live: { msns: g.map((s) => s.msn), seen_at: Math.max(...g.map((s) => s.seen_at)) },
    });
  }
  const done = ended || (live.max_duration_ms !== null && covered >= live.max_duration_ms);
  return { parts, used, covered, created, done };
}

/**
 * Groups pending segments into parts of at least `lengthMs` (a discontinuity closes a group
 * early: segments across it do not play as one file). With `flush`, a short last group is kept.
 */
export function groupSegments(pending: PendingSegment[], lengthMs: number, flush: boolean): PendingSegment[][] {
  const groups: PendingSegment[][] = [];
  let current: PendingSegment[] = [];
  let sum = 0;
  for (const seg of pending) {
    if (current.length > 0 && seg.discontinuity !== current[0]!.discontinuity) {
      groups.push(current);
      current = [];
      sum = 0;
    }
    if (current.length > 0 && seg.whole) {
      groups.push(current);
      current = [];
      sum = 0;
    }
    current.push(seg);
    sum += seg.duration_ms;
    if (sum >= lengthMs || seg.whole) {
      groups.push(current);
      current = [];
      sum = 0;
    }
  }
  if (flush && current.length > 0) groups.push(current);
  return groups;
}
