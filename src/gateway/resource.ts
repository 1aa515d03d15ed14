import { open } from "../auth/secret-box";
import type { GatewayJobRow } from "../db/gateway-jobs";
import type { WebhookEventRow } from "../db/webhooks";
import { isoTime } from "../jobs/time";
import type { GroupState } from "./status";
import type { Transcript } from "./transcript";


export interface TranscriptionOptions {
  language: string;
  timestamps: boolean;
  format: "json" | "srt" | "vtt";
  diarization: boolean;
  priority: "low" | "standard" | "high";
}

/** The seed's Result of a transcription, assembled from the tag store. */
export function transcriptionResult(options: TranscriptionOptions, t: Transcript) {
  return {
    format: options.format,
    duration: Math.round(t.end_ms) / 1000,
    language: options.language !== "auto" ? options.language : (t.language ?? "und"),
    ...(options.timestamps ? { segments: t.segments } : {}),
    text: t.text,
  };
}

/** The last delivery attempts of a job's webhook events, newest first. */
export function deliveryView(e: WebhookEventRow) {
  return {
    id: e.event_id,
    event: e.event,
    sequence: e.sequence,
    status: e.status === "sending" ? ("pending" as const) : e.status,
    attempts: e.attempts,
    ...(e.last_attempt_at !== null ? { last_attempt_at: isoTime(e.last_attempt_at) } : {}),
    ...(e.next_attempt_at !== null && e.status === "retrying" ? { next_attempt_at: isoTime(e.next_attempt_at) } : {}),
    ...(e.last_response_status !== null ? { last_response_status: e.last_response_status } : {}),
    ...(e.last_error !== null ? { last_error: e.last_error } : {}),
  };
}

/** Webhook headers are shown by name only: their values (often credentials) never come back. */
async function redactedWebhook(env: Env, row: GatewayJobRow, deliveries: WebhookEventRow[]) {
  if (!row.webhook_url) return undefined;
  const opened = row.webhook_headers ? await open(env, row.tenant_id, row.webhook_headers) : null;
  const names = opened ? Object.keys(JSON.parse(opened) as Record<string, string>) : [];
  return { url: row.webhook_url, ...(names.length ? { headers: Object.fromEntries(names.map((n) => [n, "***"])) } : {}), deliveries: deliveries.map(deliveryView) };
}

/** Where each job type lives under /v1. */
export const RESOURCE_PATH = { "transcription-job": "transcriptions", "translation-job": "translations", "video-analysis-job": "video-analyses" } as const;

/**
 * The job resource of the seed's envelope: `{data: {id, type, attributes, meta, links}}`;
 * absent keys, never null. `extra`: attributes of the job's type (a video analysis's
 * per-feature providers and warnings).
 */
export async function jobResource(env: Env, row: GatewayJobRow, state: GroupState, result?: object, deliveries: WebhookEventRow[] = [], extra: Record<string, unknown> = {}) {
  const webhook = await redactedWebhook(env, row, deliveries);
  const path = `/v1/${RESOURCE_PATH[row.type]}/${row.id}`;
  return {
    data: {
      id: row.id,
      type: row.type,
      attributes: {
        provider: row.provider,
        status: state.status,
        progress: state.progress,
        ...(state.error ? { error: state.error } : {}),
        created_at: isoTime(row.created_at),
        ...(state.processed_at !== null ? { processed_at: isoTime(state.processed_at) } : {}),
        ...(state.completed_at !== null && (state.status === "completed" || state.status === "failed") ? { completed_at: isoTime(state.completed_at) } : {}),
        input: JSON.parse(row.input) as Record<string, unknown>,
        options: JSON.parse(row.options) as Record<string, unknown>,
        ...(webhook ? { webhook } : {}),
        ...extra,
        ...(result ? { result } : {}),
      },
      meta: row.meta_client ? { client: JSON.parse(row.meta_client) as Record<string, unknown> } : {},
      links: { self: path, result: `${path}/result` },
    },
  };
}

/**
 * The seed's `meta.system` ("internal metadata added by the gateway, not exposed unless
 * explicitly required"): asked for with `?include=system`, it names the engine objects behind
 * the job, so it can be followed with the Tagger API (`GET /gw-<id>/tags`, `/job-status`).
 */
export function withSystemMeta<T extends { data: { meta: Record<string, unknown> } }>(resource: T, row: GatewayJobRow): T {
  const engine_jobs = (JSON.parse(row.engine_jobs) as Array<{ feature: string; model: string; job_id: string }>).map(({ feature, model, job_id }) => ({ feature, model, job_id }));
  return { ...resource, data: { ...resource.data, meta: { ...resource.data.meta, system: { content_id: row.content_qid, engine_jobs } } } };
}
