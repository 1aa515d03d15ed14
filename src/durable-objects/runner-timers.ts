import type { PartOutcome } from "../contract/job";
import type { PartRef } from "../contract/part";
import { isActive, type StatusReason } from "../jobs/status";
import type { LiveState } from "./live-intake";
import type { JobState, PartRow } from "./runner-store";

/*
 * The TagRunner's decisions that need no storage: when its one alarm must fire, what a failed
 * part's warning says, and how a job ends once no part is left. Pure, so unit-tested.
 */

/** How long the runner waits for a queued job's plan before sending the plan message again. */
export const PLAN_WATCHDOG_MS = 30_000;
/** Progress snapshots to D1 at most this often. */
export const SNAPSHOT_INTERVAL_MS = 1_000;

/**
 * Parts a job keeps in flight: its provider's slots and half as many again. A part spends some
 * of its time away from the provider (media into R2 before, tags into D1 and the report after);
 * the extra parts wait in the provider's line meanwhile, with their media ready, and take a slot
 * the moment one is freed (ProviderState hands it straight over). So the provider does not idle
 * between a job's parts, while its load stays bounded by its slots. A one-slot provider keeps
 * exactly one part in flight: one at a time, nothing fetched ahead.
 */
export function partsInFlight(concurrency: number): number {
  return concurrency + Math.floor(concurrency / 2);
}

/** The earliest time any timer is due (plan watchdog, part deadlines, live poll, snapshot, progress), or null for none. */
export function nextAlarmAt(job: JobState, live: LiveState | null, earliestDeadline: number | null, progressAt: number | null): number | null {
  const times: number[] = [];
  if (job.status === "queued") times.push(job.init.created_at + PLAN_WATCHDOG_MS * (job.plan_attempts + 1));
  if (job.status === "running" && earliestDeadline !== null) times.push(earliestDeadline);
  if (isActive(job.status) && live && !live.done) times.push(live.next_poll_at);
  if (job.dirty) times.push(job.last_flush + SNAPSHOT_INTERVAL_MS);
  if (progressAt !== null) times.push(progressAt);
  return times.length === 0 ? null : Math.min(...times);
}

/** The job's warning for a part that failed for good. A live segment gone when fetched left the origin's window unseen. */
export function partFailureWarning(part: PartRef, outcome: Extract<PartOutcome, { ok: false }>): string {
  if (outcome.stage === "tag") return `Failed to tag part ${part.id}: ${outcome.error}`;
  return part.live ? `Missed segment ${part.live.msns[0]}` : `Failed to download part ${part.id}: ${outcome.error}`;
}

/**
 * Once every part ended: the job fails only if the model failed on every part it was given
 * (then with the model's last error); null while parts remain or a live job reads on.
 */
export function endOfParts(job: JobState, live: LiveState | null, pendingLeft: boolean): { status: "succeeded" } | { status: "failed"; error: string } | null {
  const liveGoesOn = job.init.params.scope.type === "livestream" && (!live || !live.done);
  if (liveGoesOn || job.inflight > 0 || pendingLeft) return null;
  const modelFailedAll = job.tagged === 0 && job.failed > 0 && job.last_tag_error !== null;
  return modelFailedAll ? { status: "failed", error: job.last_tag_error! } : { status: "succeeded" };
}

/** What a part's final result changes: the part, the job's counters, and the feed's job.tags event. */
export interface PartResultPlan {
  part: Pick<PartRow, "state"> & Partial<Pick<PartRow, "downloaded">>;
  job: Partial<Pick<JobState, "tagged" | "downloaded" | "failed" | "inflight" | "num_warnings" | "last_warning" | "last_tag_error">>;
  tags: { count: number; start_time: number; end_time: number } | null;
}

/**
 * A part's result once no retry follows. `stopped`: the part was in flight when its job was
 * stopped; it is counted (status equals what is stored) but was already taken out of `inflight`.
 */
export function planPartResult(job: JobState, part: PartRow, outcome: PartOutcome, stopped: boolean): PartResultPlan {
  const inflight = stopped ? {} : { inflight: job.inflight - 1 };
  if (outcome.ok) {
    const [start, end] = outcome.span ?? [part.ref.start_ms, part.ref.start_ms + part.ref.duration_ms];
    return {
      part: { state: "done", downloaded: 1 },
      job: { tagged: job.tagged + 1, downloaded: job.downloaded + (part.downloaded ? 0 : 1), ...inflight },
      tags: outcome.tags > 0 ? { count: outcome.tags, start_time: start, end_time: end } : null,
    };
  }
  return {
    part: { state: "failed" },
    job: {
      failed: job.failed + 1,
      ...inflight,
      num_warnings: job.num_warnings + 1,
      last_warning: partFailureWarning(part.ref, outcome),
      ...(outcome.stage === "tag" && !stopped ? { last_tag_error: outcome.error } : {}),
    },
    tags: null,
  };
}

/** Why a job that ran out of parts succeeded: a live job read its stream to the end or to max_duration. */
export function successReason(job: JobState, live: LiveState | null): StatusReason {
  if (job.init.params.scope.type !== "livestream" || !live) return "completed";
  return live.max_duration_ms !== null && live.covered_ms >= live.max_duration_ms ? "max_duration_reached" : "stream_ended";
}
