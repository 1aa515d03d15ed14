import { db } from "../db/client";
import type { GatewayJobRow } from "../db/gateway-jobs";
import { getJob } from "../db/jobs";
import type { JobRow } from "../db/schema";
import { eventsOf } from "../db/webhooks";
import { transcriptionResource, transcriptionResult, type TranscriptionOptions } from "./resource";
import { groupState, type GroupState } from "./status";
import { readTranscript } from "./transcript";

/** The engine jobs of a gateway job, as D1 has them. */
export async function engineJobsOf(env: Env, row: GatewayJobRow): Promise<JobRow[]> {
  const engine = JSON.parse(row.engine_jobs) as Array<{ job_id: string }>;
  return (await Promise.all(engine.map((e) => getJob(db(env), e.job_id)))).filter((r): r is JobRow => r !== undefined);
}

/**
 * A gateway job as `GET /v1/…/{id}` shows it, and as its webhooks carry it: the seed's job
 * resource with, once completed, its result assembled from the tag store.
 */
export async function gatewayJobView(env: Env, row: GatewayJobRow): Promise<{ state: GroupState; resource: Awaited<ReturnType<typeof transcriptionResource>> }> {
  const state = groupState(await engineJobsOf(env, row));
  const options = JSON.parse(row.options) as TranscriptionOptions;
  const result = state.status === "completed" ? transcriptionResult(options, await readTranscript(env, { tenant: row.tenant_id, qid: row.content_qid })) : undefined;
  const deliveries = row.webhook_url ? await eventsOf(db(env), row.id, 10) : [];
  return { state, resource: await transcriptionResource(env, row, state, result, deliveries) };
}
