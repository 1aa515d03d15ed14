// Mirrors migrations/ (the only schema source for D1); used for typed queries.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { JOB_STATUSES } from "../jobs/status";

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  created_at: integer("created_at").notNull(),
  fabric_url: text("fabric_url"),
  /** Sealed (src/auth/secret-box.ts); never leaves the service. */
  fabric_credential: text("fabric_credential"),
  fabric_credential_at: integer("fabric_credential_at"),
});

export const members = sqliteTable(
  "members",
  {
    tenant_id: text("tenant_id").notNull(),
    address: text("address").notNull(),
    role: text("role", { enum: ["member", "admin"] }).notNull(),
    created_at: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenant_id, t.address] })],
);

export const contents = sqliteTable("contents", {
  qid: text("qid").primaryKey(),
  tenant_id: text("tenant_id").notNull(),
  title: text("title").notNull(),
  streams: text("streams").notNull(),
  assets: text("assets").notNull(),
  part_duration_ms: integer("part_duration_ms").notNull(),
  origin: text("origin", { enum: ["registry", "fabric", "gateway"] }).notNull().default("registry"),
  created_by: text("created_by").notNull(),
  created_at: integer("created_at").notNull(),
  updated_at: integer("updated_at").notNull(),
});

export const models = sqliteTable("models", {
  name: text("name").primaryKey(),
  spec: text("spec").notNull(),
  updated_at: integer("updated_at").notNull(),
});

export const jobs = sqliteTable("jobs", {
  id: text("id").primaryKey(),
  qid: text("qid").notNull(),
  model: text("model").notNull(),
  stream: text("stream").notNull(),
  tenant_id: text("tenant_id").notNull(),
  user: text("user").notNull(),
  title: text("title").notNull(),
  destination_qid: text("destination_qid").notNull(),
  status: text("status", { enum: JOB_STATUSES }).notNull(),
  params: text("params").notNull(),
  error: text("error"),
  tag_status: text("tag_status"),
  total_parts: integer("total_parts").notNull().default(0),
  downloaded_parts: integer("downloaded_parts").notNull().default(0),
  tagged_parts: integer("tagged_parts").notNull().default(0),
  num_warnings: integer("num_warnings").notNull().default(0),
  last_warning: text("last_warning"),
  created_at: integer("created_at").notNull(),
  started_at: integer("started_at"),
  ended_at: integer("ended_at"),
  snapshot_seq: integer("snapshot_seq").notNull().default(0),
  deleted_at: integer("deleted_at"),
  live_lag_ms: integer("live_lag_ms"),
  last_wall_ms: integer("last_wall_ms"),
  status_reason: text("status_reason"),
  status_changed: integer("status_changed"),
  failed_parts: integer("failed_parts").notNull().default(0),
});

/** Changed by triggers with every change to a scope's jobs (migrations/0016_job_fingerprints.sql). */
export const jobFingerprints = sqliteTable("job_fingerprints", {
  scope: text("scope").primaryKey(),
  fingerprint: integer("fingerprint").notNull(),
});

export const tracks = sqliteTable(
  "tracks",
  { qid: text("qid").notNull(), name: text("name").notNull(), label: text("label").notNull(), tenant_id: text("tenant_id").notNull().default("") },
  (t) => [primaryKey({ columns: [t.qid, t.name] })],
);

export const batches = sqliteTable("batches", {
  id: text("id").primaryKey(),
  qid: text("qid").notNull(),
  track: text("track").notNull(),
  job_id: text("job_id").notNull(),
  model: text("model").notNull(),
  author: text("author").notNull(),
  timestamp: integer("timestamp").notNull(),
  report: text("report").notNull(),
  tenant_id: text("tenant_id").notNull().default(""),
  retracted: integer("retracted").notNull().default(0),
});

export const reportParts = sqliteTable(
  "report_parts",
  {
    batch_id: text("batch_id").notNull(),
    qid: text("qid").notNull(),
    track: text("track").notNull(),
    part_id: text("part_id").notNull(),
    downloaded: integer("downloaded").notNull().default(0),
    tagged: integer("tagged").notNull().default(0),
    uploaded: integer("uploaded").notNull().default(0),
    tenant_id: text("tenant_id").notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.batch_id, t.part_id] }), index("report_parts_uploaded").on(t.qid, t.track, t.uploaded, t.part_id)],
);

export const tags = sqliteTable("tags", {
  id: text("id").primaryKey(),
  batch_id: text("batch_id").notNull(),
  qid: text("qid").notNull(),
  track: text("track").notNull(),
  job_id: text("job_id").notNull(),
  model: text("model").notNull(),
  source: text("source").notNull(),
  start_time: integer("start_time").notNull(),
  end_time: integer("end_time").notNull(),
  text: text("text").notNull(),
  frame_info: text("frame_info"),
  additional_info: text("additional_info"),
  tenant_id: text("tenant_id").notNull().default(""),
  /** The job whose `replace: true` run re-tagged this tag's time, or 'deleted': out of every read. */
  superseded_by: text("superseded_by"),
});

export type JobRow = typeof jobs.$inferSelect;
export type ContentRow = typeof contents.$inferSelect;
export type TagRow = typeof tags.$inferSelect;

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenant_id: text("tenant_id").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ["member", "admin"] }).notNull(),
    secret_hash: text("secret_hash").notNull(),
    created_by: text("created_by").notNull(),
    created_at: integer("created_at").notNull(),
    revoked_at: integer("revoked_at"),
  },
  (t) => [index("api_keys_by_tenant").on(t.tenant_id, t.created_at)],
);
export type ApiKeyRow = typeof apiKeys.$inferSelect;

export const gatewayJobs = sqliteTable("gateway_jobs", {
  id: text("id").primaryKey(),
  tenant_id: text("tenant_id").notNull(),
  type: text("type", { enum: ["transcription-job", "translation-job", "video-analysis-job"] }).notNull(),
  created_by: text("created_by").notNull(),
  provider: text("provider").notNull(),
  input: text("input").notNull(),
  options: text("options").notNull(),
  webhook_url: text("webhook_url"),
  /** Sealed (src/auth/secret-box.ts): clients put credentials in them. */
  webhook_headers: text("webhook_headers"),
  meta_client: text("meta_client"),
  content_qid: text("content_qid").notNull(),
  engine_jobs: text("engine_jobs").notNull(),
  created_at: integer("created_at").notNull(),
  /** Video analyses: `{feature: provider}`. */
  feature_providers: text("feature_providers"),
});
export type GatewayJobRow = typeof gatewayJobs.$inferSelect;

export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    event_id: text("event_id").primaryKey(),
    gateway_job_id: text("gateway_job_id").notNull(),
    tenant_id: text("tenant_id").notNull(),
    event: text("event").notNull(),
    dedupe_key: text("dedupe_key").notNull(),
    sequence: integer("sequence").notNull(),
    body: text("body").notNull(),
    status: text("status", { enum: ["pending", "sending", "retrying", "delivered", "failed", "superseded"] }).notNull(),
    attempts: integer("attempts").notNull(),
    lease_until: integer("lease_until"),
    last_attempt_at: integer("last_attempt_at"),
    next_attempt_at: integer("next_attempt_at"),
    last_response_status: integer("last_response_status"),
    last_error: text("last_error"),
    created_at: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("webhook_events_gateway_job_id_dedupe_key_unique").on(t.gateway_job_id, t.dedupe_key), index("webhook_events_by_job").on(t.gateway_job_id, t.sequence)],
);
export type WebhookEventRow = typeof webhookEvents.$inferSelect;

export const webhookSecrets = sqliteTable("webhook_secrets", {
  tenant_id: text("tenant_id").primaryKey(),
  /** Sealed (src/auth/secret-box.ts). */
  secret: text("secret").notNull(),
  previous_secret: text("previous_secret"),
  previous_expires_at: integer("previous_expires_at"),
  created_at: integer("created_at").notNull(),
});

/** Idempotency-Key of the AI Gateway's creates (src/gateway/idempotency.ts). */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    tenant_id: text("tenant_id").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of the path and the body with its keys sorted. */
    request_hash: text("request_hash").notNull(),
    /** `pending` while the first request runs, `done` once its answer is stored. */
    status: text("status", { enum: ["pending", "done"] }).notNull(),
    response_status: integer("response_status"),
    response_body: text("response_body"),
    location: text("location"),
    created_at: integer("created_at").notNull(),
    expires_at: integer("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenant_id, t.key] }), index("idempotency_keys_by_expiry").on(t.expires_at)],
);
export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect;
