import { buildApp } from "./app";
import { consumeBatch } from "./pipeline/consumer";
import { consumeWebhooks } from "./gateway/webhooks/consumer";
import { db } from "./db/client";
import { sweepExpiredKeys } from "./db/idempotency";
import { scheduled as reviveLiveJobs } from "./live/cron";

export { TagRunner } from "./durable-objects/tag-runner";
export { ProviderState } from "./durable-objects/provider-state";
export { TenantFeed } from "./durable-objects/tenant-feed";
export { FeedShard } from "./durable-objects/feed-shard";

const app = buildApp();

export default {
  fetch: app.fetch,
  queue: (batch: MessageBatch<unknown>, env: Env) => (batch.queue.startsWith("webhooks") ? consumeWebhooks(batch, env) : consumeBatch(batch, env)),
  // Every minute: live runners checked, and a bounded batch of expired idempotency keys removed.
  scheduled: async (controller: ScheduledController, env: Env, ctx: ExecutionContext) => {
    await Promise.all([reviveLiveJobs(controller, env, ctx), sweepExpiredKeys(db(env), Date.now())]);
  },
} satisfies ExportedHandler<Env>;
