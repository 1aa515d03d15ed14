import type { JobInit } from "../contract/job";

/**
 * The queue a job's messages go to. High-priority jobs have a queue of their own: a consumer
 * batch of parts waiting for a busy provider's slots holds its queue's delivery (locally one
 * batch per queue at a time), and a high part must reach the provider's line to jump it.
 * Both queues have the same consumer.
 */
export function partsQueue(env: Env, init: Pick<JobInit, "priority"> | undefined): Queue {
  return init?.priority === "high" ? env.PARTS_HIGH : env.PARTS;
}
