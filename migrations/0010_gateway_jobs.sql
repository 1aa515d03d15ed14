-- AI Gateway jobs (/v1): each is a group of tagging-engine jobs over a hidden content
-- (contents.origin = 'gateway', id gw-<job id>). Status and progress are derived from those
-- jobs; the result is assembled from the tag store. Webhook headers are sealed (secret-box).
CREATE TABLE gateway_jobs (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  type TEXT NOT NULL,
  created_by TEXT NOT NULL,
  provider TEXT NOT NULL,
  input TEXT NOT NULL,
  options TEXT NOT NULL,
  webhook_url TEXT,
  webhook_headers TEXT,
  meta_client TEXT,
  content_qid TEXT NOT NULL,
  engine_jobs TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX gateway_jobs_by_tenant ON gateway_jobs (tenant_id, created_at);
