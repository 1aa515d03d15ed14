import { db } from "../db/client";
import type { GatewayJobRow } from "../db/gateway-jobs";
import { getJob } from "../db/jobs";
import type { JobRow } from "../db/schema";
import { eventsOf } from "../db/webhooks";
import { jobResource, transcriptionResult, type TranscriptionOptions } from "./resource";
import { analysisState, groupState, type GroupState } from "./status";
import { readTranscript } from "./transcript";
import { translationResult } from "./translation";
import { analysisResult, analysisWarnings } from "./video-analysis";

/** The distinct engine jobs of a gateway job, as D1 has them. */
export async function engineJobsOf(env: Env, row: GatewayJobRow): Promise<JobRow[]> {
  const ids = [...new Set((JSON.parse(row.engine_jobs) as Array<{ job_id: string }>).map((e) => e.job_id))];
  return (await Promise.all(ids.map((id) => getJob(db(env), id)))).filter((r): r is JobRow => r !== undefined);
}

/** A gateway job's state: a video analysis tolerates failed features, a transcription does not. */
export function stateOf(row: GatewayJobRow, rows: JobRow[]): GroupState & { failed: JobRow[] } {
  return row.type === "video-analysis-job" ? analysisState(rows) : { ...groupState(rows), failed: [] };
}

/**
 * A gateway job as `GET /v1/…/{id}` shows it, and as its webhooks carry it: the seed's job
 * resource with, once completed, its result assembled from the tag store.
 */
export async function gatewayJobView(env: Env, row: GatewayJobRow) {
  const rows = await engineJobsOf(env, row);
  const state = stateOf(row, rows);
  const deliveries = row.webhook_url ? await eventsOf(db(env), row.id, 10) : [];
  if (row.type === "video-analysis-job") {
    const result = state.status === "completed" ? await analysisResult(env, row, new Set(state.failed.map((f) => f.id))) : undefined;
    const warnings = state.status === "completed" ? analysisWarnings(row, state.failed, result) : [];
    return { state, resource: await jobResource(env, row, state, result, deliveries, { feature_providers: JSON.parse(row.feature_providers ?? "{}") as Record<string, string>, ...(warnings.length ? { warnings } : {}) }) };
  }
  if (row.type === "translation-job") {
    const result = state.status === "completed" ? await translationResult(env, row) : undefined;
    return { state, resource: await jobResource(env, row, state, result, deliveries) };
  }
  const options = JSON.parse(row.options) as TranscriptionOptions;
  const result = state.status === "completed" ? transcriptionResult(options, await readTranscript(env, { tenant: row.tenant_id, qid: row.content_qid })) : undefined;
  return { state, resource: await jobResource(env, row, state, result, deliveries) };
}
