import type { FeedEventType } from "./feed-events";
import type { PartRef } from "../contract/part";
import type { JobInit } from "../contract/job";
import { createBatches } from "../tagstore/write";
import { formParts, intakeSegments } from "./live-intake";
import type { LiveSegmentInput } from "../contract/live";
import type { LiveStore } from "./live-store";
import { reportedParts } from "./reported-parts";
import type { RunnerStore } from "./runner-store";

/** Longest a live job waits between looks at its playlist when the playlist cannot be read. */
const MAX_POLL_BACKOFF_MS = 30_000;

/** What the live flow uses of its TagRunner (tag-runner.ts builds it). */
export interface RunnerHost {
  env: Env;
  storage: DurableObjectStorage;
  store: RunnerStore;
  live: LiveStore;
  emit(type: FeedEventType): void;
  progress(): void;
  afterPart(): Promise<void>;
  flush(force: boolean): Promise<void>;
  arm(): Promise<void>;
  finish(status: "succeeded" | "failed" | "cancelled", error: string | null): Promise<void>;
}

/**
 * What the live playlist holds now. New segments (by discontinuity and media sequence number)
 * are kept until they fill a part of `segment_length`; parts are dispatched as they form.
 * Repeated or stale reports change nothing. The first report starts the job at the live edge.
 */
export async function liveSegments(r: RunnerHost, jobId: string, segments: LiveSegmentInput[], targetMs: number, ended: boolean): Promise<void> {
  const job = r.store.job();
  if (!job || job.id !== jobId || (job.status !== "queued" && job.status !== "running")) return;
  const scope = job.init.params.scope;
  if (scope.type !== "livestream") return;
  const now = Date.now();
  let live = r.live.get();
  if (!live) {
    r.live.reset(scope.segment_length * 1000, scope.max_duration === null ? null : scope.max_duration * 1000, targetMs);
    live = r.live.get()!;
  }
  if (live.done) return;
  if (job.status === "queued") {
    r.store.update({ status: "running", started_at: now });
    r.emit("job.running");
  }

  const intake = intakeSegments(live, segments, now);
  for (const seg of intake.added) r.live.addPending(seg);
  const { missed } = intake;
  if (missed > 0) {
    r.store.update({ num_warnings: job.num_warnings + missed, last_warning: `Missed segment ${intake.first_missed! + missed - 1}` });
    console.warn(`job ${job.id}: missed ${missed} live segment(s) from ${intake.first_missed}`);
  }

  // Whole parts from what is pending, up to max_duration.
  const { parts, used, covered, created, done } = formParts(r.live.pending(), live, job.init.stream, ended);
  r.live.dropPending(used);
  r.live.update({
    covered_ms: covered,
    parts_created: created,
    poll_failures: 0,
    target_ms: targetMs,
    last_msn: intake.last_msn,
    last_disc: intake.last_disc,
    last_wall_end: intake.last_wall_end,
    done: done ? 1 : 0,
    next_poll_at: now + targetMs,
  });
  if (done) r.live.dropPending(r.live.pending());

  // Diff-based tagging: intervals an earlier run already tagged are not tagged again.
  let fresh = parts;
  if (parts.length > 0 && !job.init.params.replace) {
    const tagged = await reportedParts(r.env, job.init.target_qid, job.init.tracks[0]!.name, parts.map((p) => p.id));
    fresh = parts.filter((p) => !tagged.has(p.id));
  }
  if (fresh.length > 0) await createBatches(r.env, job.init, fresh);
  // Other events ran while D1 answered: a job stopped meanwhile takes no new parts.
  const current = r.store.job();
  if (!current || current.id !== jobId || current.status !== "running") return;
  if (fresh.length > 0) {
    r.store.insertParts(fresh);
    r.store.update({ total: r.store.job()!.total + fresh.length });
  }
  if (fresh.length > 0 || missed > 0) r.progress();
  await r.afterPart();
  await r.flush(job.status === "queued");
  await r.arm();
}

/** The playlist could not be read: try again later, or fail after max_fetch_retries in a row. */
export async function livePollFailed(r: RunnerHost, jobId: string, error: string): Promise<void> {
  const job = r.store.job();
  if (!job || job.id !== jobId || (job.status !== "queued" && job.status !== "running")) return;
  const live = r.live.get();
  const failures = (live?.poll_failures ?? 0) + 1;
  if (failures > job.init.params.max_fetch_retries) {
    r.store.cancelOpenParts();
    await r.finish("failed", `Failed to fetch the live playlist ${failures} times in a row: ${error}`);
    return;
  }
  const wait = Math.min(MAX_POLL_BACKOFF_MS, (live?.target_ms ?? 2000) * failures);
  if (!live) {
    const scope = job.init.params.scope;
    if (scope.type !== "livestream") return;
    r.live.reset(scope.segment_length * 1000, scope.max_duration === null ? null : scope.max_duration * 1000, 2000);
  }
  r.live.update({ poll_failures: failures, next_poll_at: Date.now() + wait });
  r.store.update({ last_warning: error });
  await r.flush(false);
  await r.arm();
}

/**
 * The cron's check on a live job: answers what it found, and re-arms an alarm that is missing
 * or late (the runner's only clock).
 */
export async function reviveLive(r: RunnerHost, jobId: string): Promise<"ok" | "rearmed" | "not-live"> {
  const job = r.store.job();
  if (!job || job.id !== jobId || (job.status !== "queued" && job.status !== "running") || job.init.params.scope.type !== "livestream") return "not-live";
  const alarm = await r.storage.getAlarm();
  const live = r.live.get();
  const due = live && !live.done ? live.next_poll_at : null;
  // Late: a whole poll interval past its time (the alarm did not fire, or was lost).
  if (alarm === null || (due !== null && Date.now() - due > Math.max(live!.target_ms, 1000))) {
    if (live && !live.done) r.live.update({ next_poll_at: Date.now() });
    await r.storage.setAlarm(Date.now());
    return "rearmed";
  }
  return "ok";
}

/** The live job's parameters for the consumer that reads its playlist; null once it no longer polls. */
export function pollInput(r: RunnerHost, jobId: string): JobInit | null {
  const job = r.store.job();
  if (!job || job.id !== jobId || (job.status !== "queued" && job.status !== "running") || job.init.params.scope.type !== "livestream") return null;
  return r.live.get()?.done ? null : job.init;
}

/** Lag: from the part's newest segment showing in the playlist to its tags being stored. */
export function noteLiveLag(r: RunnerHost, ref: PartRef): void {
  const live = r.live.get();
  if (!live) return;
  const end = ref.start_ms + ref.duration_ms;
  r.live.update({ live_lag_ms: Date.now() - (ref.live?.seen_at ?? Date.now()), last_wall_ms: Math.max(live.last_wall_ms ?? 0, end) });
  r.store.update({}); // marks the job dirty so the next snapshot carries the lag
}
