import { deliverEvent, giveUpEvent } from "./deliver";
import { evaluateGatewayJob } from "./emit";
import { webhookMessageSchema } from "./messages";

/**
 * The `webhooks` queue (and its dead-letter queue `webhooks-dlq`). Retries are the queue's
 * own (`retry({delaySeconds})` on the backoff schedule); a message past `max_retries` goes to
 * the dead-letter queue, whose consumer marks the event failed.
 */
export async function consumeWebhooks(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const deadLetters = batch.queue.endsWith("-dlq");
  // One after another: evaluations of one job must see each other's events.
  for (const msg of batch.messages) {
    const parsed = webhookMessageSchema.safeParse(msg.body);
    if (!parsed.success) {
      console.error(`${batch.queue}: dropping malformed message ${msg.id}`);
      msg.ack();
      continue;
    }
    const m = parsed.data;
    try {
      if (deadLetters) {
        if (m.kind === "deliver") await giveUpEvent(env, m.event_id);
        msg.ack();
      } else if (m.kind === "evaluate") {
        await evaluateGatewayJob(env, m.gateway_job_id);
        msg.ack();
      } else {
        const outcome = await deliverEvent(env, m.event_id, msg.attempts);
        if (outcome.kind === "done") msg.ack();
        else msg.retry({ delaySeconds: outcome.delaySeconds });
      }
    } catch (e) {
      // D1 or the queue itself: try the message again shortly.
      console.error(`${batch.queue}: ${m.kind} failed, retrying`, e);
      msg.retry({ delaySeconds: Math.min(60, 2 ** msg.attempts) });
    }
  }
}
