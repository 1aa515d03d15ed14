import type { JobInit } from "../contract/job";
import type { QueueMessage } from "../contract/queue";

/**
 * The queue a job's message goes to. Plans and live polls go to `control`: they are short, and
 * a live channel's next segment must not wait for a batch of other jobs' parts (locally a
 * queue delivers one batch at a time; 50 live channels' polls behind their parts put the lag
 * past its bound). High-priority jobs' parts have a queue of their own: a consumer batch of
 * parts waiting for a busy provider's slots holds its queue's delivery, and a high part must
 * reach the provider's line to jump it. Every queue has the same consumer.
 */
export function queueFor(env: Env, init: Pick<JobInit, "priority"> | undefined, type: QueueMessage["type"]): Queue {
  if (type !== "part") return env.CONTROL;
  return init?.priority === "high" ? env.PARTS_HIGH : env.PARTS;
}

/** The queue a delivered batch came from, for sending one of its messages again. */
export function queueNamed(env: Env, name: string): Queue {
  if (name === "control") return env.CONTROL;
  return name === "parts-high" ? env.PARTS_HIGH : env.PARTS;
}
