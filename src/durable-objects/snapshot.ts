import { defaultReason, isTerminal, reportStatusOf, tagStatusOf } from "../jobs/status";
import { db } from "../db/client";
import { insertJob, snapshotJob } from "../db/jobs";
import { copyJobEventsStatements } from "../db/job-events";
import type { JobLogEvent } from "../contract/job-events";
import { endJobReports } from "../tagstore/reports";
import { formatTimeRan } from "../jobs/time";
import type { JobInit } from "../contract/job";
import type { JobRow } from "../db/schema";
import type { LiveState } from "./live-intake";
import type { JobState } from "./runner-store";

/** The job's first D1 row, written before the start request is answered. */
export async function insertJobRow(env: Env, init: JobInit): Promise<void> {
  await insertJob(db(env), {
    id: init.job_id,
    qid: init.qid,
    model: init.model,
    stream: init.stream,
    tenant_id: init.tenant_id,
    user: init.user,
    title: init.title,
    destination_qid: init.params.destination_qid,
    status: "queued",
    params: JSON.stringify(init.params),
    tag_status: "Queued",
    created_at: init.created_at,
    snapshot_seq: 1,
  });
}

/**
 * Writes the runner's view of the job to D1 (never over a newer one); once the job ended, the
 * report in each of its batches says how the run ended, in the same batch of statements.
 */
export async function writeSnapshot(env: Env, job: JobState, now = Date.now(), live: LiveState | null = null, events: JobLogEvent[] = []): Promise<void> {
  const d = db(env);
  const row = jobRowOf(job, live);
  const update = snapshotJob(d, job.id, {
    status: row.status,
    tag_status: row.tag_status,
    error: row.error,
    total_parts: row.total_parts,
    downloaded_parts: row.downloaded_parts,
    tagged_parts: row.tagged_parts,
    num_warnings: row.num_warnings,
    last_warning: row.last_warning,
    started_at: row.started_at,
    ended_at: row.ended_at,
    live_lag_ms: row.live_lag_ms,
    last_wall_ms: row.last_wall_ms,
    status_reason: row.status_reason,
    status_changed: row.status_changed,
    failed_parts: row.failed_parts,
    snapshot_seq: row.snapshot_seq,
  });
  if (!isTerminal(job.status)) {
    await update;
    return;
  }
  const ran = ((job.ended_at ?? now) - (job.started_at ?? job.init.created_at)) / 1000;
  await d.batch([update, endJobReports(d, job.id, { status: reportStatusOf(job.status), time_ran: formatTimeRan(ran) })]);
  // The event log outlives the runner's copy (the pair's next job replaces it): copied once it ended.
  const copies = copyJobEventsStatements(env.DB, job.id, events);
  for (let i = 0; i < copies.length; i += 50) await env.DB.batch(copies.slice(i, i + 50));
}

/** The runner's job as a D1 row would hold it (for views built from the runner's own state). */
export function jobRowOf(job: JobState, live: LiveState | null = null): JobRow {
  const counters = { total: job.total, downloaded: job.downloaded, tagged: job.tagged };
  return {
    id: job.id,
    qid: job.init.qid,
    model: job.init.model,
    stream: job.init.stream,
    tenant_id: job.init.tenant_id,
    user: job.init.user,
    title: job.init.title,
    destination_qid: job.init.params.destination_qid,
    status: job.status,
    params: JSON.stringify(job.init.params),
    error: job.error,
    tag_status: tagStatusOf(job.status, counters),
    total_parts: job.total,
    downloaded_parts: job.downloaded,
    tagged_parts: job.tagged,
    num_warnings: job.num_warnings,
    last_warning: job.last_warning,
    created_at: job.init.created_at,
    started_at: job.started_at,
    ended_at: job.ended_at,
    snapshot_seq: job.seq,
    deleted_at: null,
    live_lag_ms: live?.live_lag_ms ?? null,
    last_wall_ms: live?.last_wall_ms ?? null,
    status_reason: job.reason ?? defaultReason(job.status),
    status_changed: job.status_changed || null,
    failed_parts: job.failed,
  };
}
