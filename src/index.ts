import { buildApp } from "./app";
import { consumeBatch } from "./pipeline/consumer";
import { scheduled } from "./live/cron";

export { TagRunner } from "./durable-objects/tag-runner";
export { ProviderState } from "./durable-objects/provider-state";
export { TenantFeed } from "./durable-objects/tenant-feed";

const app = buildApp();

export default {
  fetch: app.fetch,
  queue: consumeBatch,
  scheduled,
} satisfies ExportedHandler<Env>;
