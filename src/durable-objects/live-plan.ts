import type { LiveSegmentInput } from "../contract/live";
import type { PartRef } from "../contract/part";
import { formParts, intakeSegments, type LiveState, type PendingSegment } from "./live-intake";
import type { JobState } from "./runner-store";

/*
 * The live flow as plans: given the runner's state and what happened (a playlist answer, a
 * failed read, the cron's check), these pure functions say what to change. The TagRunner
 * applies a plan in one storage transaction and does the I/O; nothing here reads storage.
 */

/** Longest a live job waits between looks at its playlist when the playlist cannot be read. */
export const MAX_POLL_BACKOFF_MS = 30_000;

/** A live row for a job's first answer (or first failure): nothing seen yet. */
export function freshLive(job: JobState, targetMs: number): LiveState | null {
  const scope = job.init.params.scope;
  if (scope.type !== "livestream") return null;
  return {
    segment_length_ms: scope.segment_length * 1000,
    max_duration_ms: scope.max_duration === null ? null : scope.max_duration * 1000,
    target_ms: targetMs,
    covered_ms: 0,
    poll_failures: 0,
    done: 0,
    next_poll_at: 0,
    last_msn: null,
    last_disc: null,
    last_wall_end: null,
    parts_created: 0,
    live_lag_ms: null,
    last_wall_ms: null,
  };
}

export interface LiveAnswerPlan {
  /** The queued job starts with this answer (its first). */
  starts: boolean;
  /** The live row after the answer. */
  live: LiveState;
  /** Segments to keep until they fill a part, and those that left the pending table. */
  pendingAdded: PendingSegment[];
  pendingDropped: PendingSegment[];
  /** New parts (diff-based tagging may still leave some out). */
  parts: PartRef[];
  /** Segments that left the playlist unseen: counted as warnings. */
  missed: { count: number; warning: string } | null;
}

/**
 * What a playlist answer changes. New segments (by discontinuity and media sequence number)
 * wait until they fill a part of `segment_length`; whole parts form up to max_duration. A
 * repeated or stale answer adds nothing; null: the job takes no answers (not this job, ended,
 * or its live reading is done).
 */
export function planLiveAnswer(
  job: JobState,
  live: LiveState | null,
  pending: PendingSegment[],
  segments: LiveSegmentInput[],
  targetMs: number,
  ended: boolean,
  now: number,
): LiveAnswerPlan | null {
  const current = live ?? freshLive(job, targetMs);
  if (!current || current.done) return null;
  const intake = intakeSegments(current, segments, now);
  const known = new Set(pending.map(key));
  const pendingAdded = intake.added.filter((s) => !known.has(key(s)));
  const all = [...pending, ...pendingAdded].sort((a, b) => a.discontinuity - b.discontinuity || a.msn - b.msn);
  const { parts, used, covered, created, done } = formParts(all, current, job.init.stream, ended);
  return {
    starts: job.status === "queued",
    live: {
      ...current,
      covered_ms: covered,
      parts_created: created,
      poll_failures: 0,
      target_ms: targetMs,
      last_msn: intake.last_msn,
      last_disc: intake.last_disc,
      last_wall_end: intake.last_wall_end,
      done: done ? 1 : 0,
      next_poll_at: now + targetMs,
    },
    pendingAdded,
    // Once reading is done, segments short of a part are dropped with the rest.
    pendingDropped: done ? all : used,
    parts,
    missed: intake.missed > 0 ? { count: intake.missed, warning: `Missed segment ${intake.first_missed! + intake.missed - 1}` } : null,
  };
}

const key = (s: PendingSegment) => `${s.discontinuity}:${s.msn}`;

export type PollFailurePlan =
  /** max_fetch_retries failures in a row: the job fails with this error. */
  | { fail: string }
  /** Look again after a back-off. */
  | { live: LiveState; warning: string };

/** The playlist could not be read: try again later, or fail after max_fetch_retries in a row. */
export function planPollFailure(job: JobState, live: LiveState | null, error: string, now: number): PollFailurePlan | null {
  const failures = (live?.poll_failures ?? 0) + 1;
  if (failures > job.init.params.max_fetch_retries) return { fail: `Failed to fetch the live playlist ${failures} times in a row: ${error}` };
  const current = live ?? freshLive(job, 2000);
  if (!current) return null;
  const wait = Math.min(MAX_POLL_BACKOFF_MS, current.target_ms * failures);
  return { live: { ...current, poll_failures: failures, next_poll_at: now + wait }, warning: error };
}

/**
 * The cron's check: "rearm" when the runner's only clock, its alarm, is missing or a whole poll
 * interval late (it did not fire, or was lost).
 */
export function reviveVerdict(live: LiveState | null, alarm: number | null, now: number): "ok" | "rearm" {
  const due = live && !live.done ? live.next_poll_at : null;
  if (alarm === null || (due !== null && now - due > Math.max(live!.target_ms, 1000))) return "rearm";
  return "ok";
}

/** Lag: from the part's newest segment showing in the playlist to its tags being stored. */
export function liveLagUpdate(live: LiveState, ref: PartRef, now: number): Pick<LiveState, "live_lag_ms" | "last_wall_ms"> {
  return { live_lag_ms: now - (ref.live?.seen_at ?? now), last_wall_ms: Math.max(live.last_wall_ms ?? 0, ref.start_ms + ref.duration_ms) };
}
