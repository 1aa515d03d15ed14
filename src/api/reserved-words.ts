/**
 * First path segments a content id may not take. Content lives at `/{qid}/…`, beside the
 * service's own top-level routes, so a content named `models` would make `/models/job-status`
 * ambiguous. Current routes and the ones planned (gateway, search, operations) are listed; a test
 * checks every top-level route of the app is here.
 */
export const RESERVED_CONTENT_IDS: readonly string[] = [
  "api", "admin", "assets", "callbacks", "contents", "docs", "events", "favicon.ico", "feed", "health",
  "job-status", "jobs", "media", "metrics", "models", "oauth", "openapi.json", "providers", "queues",
  "robots.txt", "search", "status", "tags", "tenants", "ui", "v1", "v2", "webhooks",
];

const reserved = new Set(RESERVED_CONTENT_IDS.map((w) => w.toLowerCase()));

export const isReservedContentId = (qid: string) => reserved.has(qid.toLowerCase());
