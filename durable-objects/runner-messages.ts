import type { PartRef } from "../src/jobs/parts";
import { type JobInit, type QueueMessage, runnerName } from "../src/jobs/runner-types";
import { DEFAULT_TIMEOUT_S, SLOT_WAIT_MS } from "../src/providers/types";

/** How long a part may take on top of its providers' timeouts (queue delay, fetching). */
const PART_SLACK_MS = 20_000;

/** When a dispatched part's result is overdue: it may wait for a slot, then try each provider in turn. */
export function partTimeoutMs(init: JobInit): number {
  const calls = init.providers.reduce((sum, p) => sum + (p.timeout_s ?? DEFAULT_TIMEOUT_S) * 1000, 0);
  return SLOT_WAIT_MS + calls + PART_SLACK_MS;
}

export function partMessage(init: JobInit, part: PartRef, attempt: number): QueueMessage {
  return { type: "part", job_id: init.job_id, runner: runnerName(init.qid, init.model), part, attempt };
}

/** The job's plan (list its parts) or, for a live job, its next look at the playlist. */
export function controlMessage(type: "plan" | "poll", init: JobInit): QueueMessage {
  return { type, job_id: init.job_id, runner: runnerName(init.qid, init.model) };
}
