import { buildApp } from "./app";
import { consumeBatch } from "./pipeline/consumer";
import { consumeWebhooks } from "./gateway/webhooks/consumer";
import { scheduled } from "./live/cron";

export { TagRunner } from "./durable-objects/tag-runner";
export { ProviderState } from "./durable-objects/provider-state";
export { TenantFeed } from "./durable-objects/tenant-feed";

const app = buildApp();

export default {
  fetch: app.fetch,
  queue: (batch: MessageBatch<unknown>, env: Env) => (batch.queue.startsWith("webhooks") ? consumeWebhooks(batch, env) : consumeBatch(batch, env)),
  scheduled,
} satisfies ExportedHandler<Env>;
