/** The FeedShard that holds shard `k` (1 and up) of a tenant's feed sockets; shard 0 is the TenantFeed itself. */
export const feedShardName = (tenant: string, k: number) => `${tenant}/${k}`;

/** Most objects one tenant's feed sockets are spread over. */
export const MAX_FEED_SHARDS = 32;

/** FEED_SHARDS as configured, within 1..MAX_FEED_SHARDS (a value that is not a number: 1). */
export function feedShardCount(env: Pick<Env, "FEED_SHARDS">): number {
  const n = Math.floor(Number(env.FEED_SHARDS));
  return Number.isFinite(n) ? Math.min(MAX_FEED_SHARDS, Math.max(1, n)) : 1;
}

/**
 * Opens a subscriber's socket on the tenant's feed: on the TenantFeed, or with FEED_SHARDS above
 * 1 on the shard the TenantFeed places it on. `url` carries tenant, filter and since.
 */
export async function openTenantFeed(env: Env, tenant: string, url: URL): Promise<Response> {
  const hub = env.TENANT_FEED.getByName(tenant);
  const shards = feedShardCount(env);
  const k = shards > 1 ? await hub.place(tenant, shards) : 0;
  const upgrade = { headers: { Upgrade: "websocket" } };
  if (k === 0) return hub.fetch(new Request(url, upgrade));
  url.searchParams.set("shard", String(k));
  return env.FEED_SHARD.getByName(feedShardName(tenant, k)).fetch(new Request(url, upgrade));
}
