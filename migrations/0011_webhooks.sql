-- AI Gateway webhooks: an outbox of lifecycle events per gateway job, delivered through the
-- `webhooks` queue (retries with backoff, then its dead-letter queue). `dedupe_key` makes
-- each event happen once however often the job is evaluated ('progress:30', 'terminal').
CREATE TABLE webhook_events (
  event_id TEXT PRIMARY KEY,
  gateway_job_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  event TEXT NOT NULL,
  dedupe_key TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_until INTEGER,
  last_attempt_at INTEGER,
  next_attempt_at INTEGER,
  last_response_status INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (gateway_job_id, dedupe_key)
);
CREATE INDEX webhook_events_by_job ON webhook_events (gateway_job_id, sequence);

-- One signing secret per tenant (Standard Webhooks `whsec_…`), sealed; the previous one keeps
-- signing beside it for a day after a rotation.
CREATE TABLE webhook_secrets (
  tenant_id TEXT PRIMARY KEY,
  secret TEXT NOT NULL,
  previous_secret TEXT,
  previous_expires_at INTEGER,
  created_at INTEGER NOT NULL
);
