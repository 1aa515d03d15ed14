import { z } from "zod";
import type { JobInit } from "./job";
import { type PartRef, partRefSchema } from "./part";
import { runnerName } from "./runner";

const control = { job_id: z.string().min(1), runner: z.string().min(1) };

/**
 * The `parts` queue: what TagRunners send and the consumer runs. The consumer checks every
 * message against this schema (delivery is at least once, and a malformed one is dropped, not
 * retried for ever); the types are derived from it.
 */
export const queueMessageSchema = z.discriminatedUnion("type", [
  /** List a queued job's parts. */
  z.object({ type: z.literal("plan"), ...control }),
  /** A live job's next look at its playlist. */
  z.object({ type: z.literal("poll"), ...control }),
  /**
   * Fetch and tag one part; `attempt` tells a retry from a repeated delivery. `queued_at`: when
   * the part was sent to run (epoch ms), for the wait figures of GET /queues; absent in messages
   * sent before it existed.
   */
  z.object({ type: z.literal("part"), ...control, part: partRefSchema, attempt: z.number().int().positive(), queued_at: z.number().int().nonnegative().optional() }),
]);

export type QueueMessage = z.infer<typeof queueMessageSchema>;
export type PlanMessage = Extract<QueueMessage, { type: "plan" }>;
export type PollMessage = Extract<QueueMessage, { type: "poll" }>;
export type PartMessage = Extract<QueueMessage, { type: "part" }>;

export function partMessage(init: JobInit, part: PartRef, attempt: number, queuedAt: number): PartMessage {
  return { type: "part", job_id: init.job_id, runner: runnerName(init.qid, init.model), part, attempt, queued_at: queuedAt };
}

/** The job's plan (list its parts) or, for a live job, its next look at the playlist. */
export function controlMessage(type: "plan" | "poll", init: JobInit): PlanMessage | PollMessage {
  return { type, job_id: init.job_id, runner: runnerName(init.qid, init.model) };
}
