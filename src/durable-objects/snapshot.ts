import { reportStatusOf, tagStatusOf } from "../jobs/status";
import { isTerminal } from "../jobs/status";
import { formatTimeRan } from "../jobs/time";
import type { JobInit } from "../contract/job";
import type { JobRow } from "../db/schema";
import type { LiveState } from "./live-store";
import type { JobState } from "./runner-store";

/** The job's first D1 row, written before the start request is answered. */
export async function insertJobRow(env: Env, init: JobInit): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO jobs (id, qid, model, stream, tenant_id, user, title, destination_qid, status, params, tag_status, created_at, snapshot_seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, 'Queued', ?, 1)`,
  )
    .bind(init.job_id, init.qid, init.model, init.stream, init.tenant_id, init.user, init.title, init.params.destination_qid, JSON.stringify(init.params), init.created_at)
    .run();
}

/**
 * Writes the runner's view of the job to D1. Snapshots can race each other (the runner
 * interleaves while it awaits D1), so an older one never overwrites a newer one.
 */
export async function writeSnapshot(env: Env, job: JobState, now = Date.now(), live: LiveState | null = null): Promise<void> {
  const counters = { total: job.total, downloaded: job.downloaded, tagged: job.tagged };
  const stmts = [
    env.DB.prepare(
      `UPDATE jobs SET status = ?, tag_status = ?, error = ?, total_parts = ?, downloaded_parts = ?, tagged_parts = ?,
         num_warnings = ?, last_warning = ?, started_at = ?, ended_at = ?, live_lag_ms = ?, last_wall_ms = ?, snapshot_seq = ?
       WHERE id = ? AND snapshot_seq < ?`,
    ).bind(
      job.status,
      tagStatusOf(job.status, counters),
      job.error,
      job.total,
      job.downloaded,
      job.tagged,
      job.num_warnings,
      job.last_warning,
      job.started_at,
      job.ended_at,
      live?.live_lag_ms ?? null,
      live?.last_wall_ms ?? null,
      job.seq,
      job.id,
      job.seq,
    ),
  ];
  if (isTerminal(job.status)) {
    // The report in each of the job's batches carries how the run ended.
    const ran = ((job.ended_at ?? now) - (job.started_at ?? job.init.created_at)) / 1000;
    stmts.push(
      env.DB.prepare(`UPDATE batches SET report = json_set(report, '$.job_status', json(?)) WHERE job_id = ?`).bind(
        JSON.stringify({ status: reportStatusOf(job.status), time_ran: formatTimeRan(ran) }),
        job.id,
      ),
    );
  }
  await env.DB.batch(stmts);
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
  };
}
