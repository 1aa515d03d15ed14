import type { JobInit } from "../contract/job";
import { type QueueMessage, queueMessageSchema } from "../contract/queue";
import type { HandedPart, Outcome } from "./outcome";
import { handlePart } from "./part";
import { groupedIo, type PartIo } from "./part-io";
import { queueNamed } from "./parts-queue";
import { handlePlan, handlePoll } from "./plan";

/**
 * How long one message's pull loop may go on taking its job's next parts. Past it the runner
 * queues the next part as before, so a consumer invocation stays well inside its time limit and
 * a queue delivered one batch at a time (locally) gets to other jobs' parts.
 */
const PULL_LOOP_MS = 10_000;

/**
 * The consumer of the `parts`, `parts-high` and `control` queues. Messages of a batch run concurrently (a batch is a set of
 * independent parts). Delivery is at least once: every handler is safe to run twice.
 */
export async function consumeBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  // Where a handed part that failed here is queued again: its job's parts queue.
  const queue = queueNamed(env, batch.queue === "control" ? "parts" : batch.queue);
  // The batch's parts share their slot and tag-write round trips when they fall together.
  const io = groupedIo(env);
  await Promise.all(batch.messages.map((msg) => consumeOne(msg, env, queue, io)));
}

async function consumeOne(msg: Message<unknown>, env: Env, queue: Queue, io: PartIo): Promise<void> {
  const parsed = queueMessageSchema.safeParse(msg.body);
  if (!parsed.success) {
    console.error(`parts queue: dropping malformed message ${msg.id}`);
    msg.ack();
    return;
  }
  const body = parsed.data;
  const until = Date.now() + PULL_LOOP_MS;
  const outcome = await run(env, io, body, until, msg.attempts);
  if (outcome.kind === "ack") msg.ack();
  else msg.retry({ delaySeconds: outcome.delaySeconds });
  // The pull loop: a part finished here takes the job's next part, a queue round trip saved each.
  let next = outcome.kind === "ack" ? outcome.next : null;
  while (next) {
    const handed: HandedPart = next;
    const o = await run(env, io, handed.message, until, 1, handed.init);
    next = null;
    if (o.kind === "ack") next = o.next ?? null;
    // What failed here goes to the queue as a delivery that failed would be retried.
    else await queue.send(handed.message, { delaySeconds: o.delaySeconds }).catch((e) => console.error(`parts queue: could not queue part ${handed.message.part.id} of job ${handed.message.job_id} again; its deadline will`, e));
  }
}

/** Handles one message; infrastructure trouble (D1, R2, the runner) asks for another delivery, later with each attempt. */
async function run(env: Env, io: PartIo, body: QueueMessage, until: number, attempts: number, handedInit?: JobInit): Promise<Outcome> {
  try {
    if (body.type === "plan") return await handlePlan(env, body);
    if (body.type === "poll") return await handlePoll(env, body);
    return await handlePart(env, body, Date.now() < until, handedInit, io);
  } catch (e) {
    console.error(`parts queue: ${body.type} for job ${body.job_id} failed, retrying`, e);
    return { kind: "retry", delaySeconds: Math.min(30, 2 ** attempts) };
  }
}
