import { queueMessageSchema } from "../contract/queue";
import type { Outcome } from "./outcome";
import { handlePart } from "./part";
import { handlePlan, handlePoll } from "./plan";

/**
 * The `parts` queue consumer. Messages of a batch run concurrently (a batch is a set of
 * independent parts). Delivery is at least once: every handler is safe to run twice.
 */
export async function consumeBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  await Promise.all(batch.messages.map((msg) => consumeOne(msg, env)));
}

async function consumeOne(msg: Message<unknown>, env: Env): Promise<void> {
  const parsed = queueMessageSchema.safeParse(msg.body);
  if (!parsed.success) {
    console.error(`parts queue: dropping malformed message ${msg.id}`);
    msg.ack();
    return;
  }
  const body = parsed.data;
  let outcome: Outcome;
  try {
    outcome = body.type === "plan" ? await handlePlan(env, body) : body.type === "poll" ? await handlePoll(env, body) : await handlePart(env, body);
  } catch (e) {
    // Infrastructure trouble (D1, R2, the runner): let the queue deliver it again.
    console.error(`parts queue: ${body.type} for job ${body.job_id} failed, retrying`, e);
    outcome = { kind: "retry", delaySeconds: Math.min(30, 2 ** msg.attempts) };
  }
  if (outcome.kind === "ack") msg.ack();
  else msg.retry({ delaySeconds: outcome.delaySeconds });
}
