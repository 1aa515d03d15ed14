import type { JobRow } from "../db/schema";
import { defaultReason, progressOf, type StatusReason, taggingProgressOf, type TagStatus, tagStatusOf } from "./status";
import { isoTime } from "./time";

/** Whether the row's view changes with the time it is asked at (time_running of a job that has not ended). */
export function viewDependsOnNow(row: JobRow): boolean {
  return row.status !== "queued" && row.ended_at === null;
}

/** A D1 job row in the contract's JobStatus shape (only time_running reads `now`: see viewDependsOnNow). */
export function jobStatusView(row: JobRow, now = Date.now()) {
  const counters = { total: row.total_parts, downloaded: row.downloaded_parts, tagged: row.tagged_parts };
  const progress = progressOf(row.status, counters);
  const tagging_progress = taggingProgressOf(counters);
  const started = row.started_at ?? row.created_at;
  const params = JSON.parse(row.params) as Record<string, unknown> & { scope?: { type?: string } };
  const live = params.scope?.type === "livestream";
  return {
    qid: row.qid,
    job_id: row.id,
    status: row.status,
    model: row.model,
    stream: row.stream,
    created_at: isoTime(row.created_at),
    params,
    tenant: row.tenant_id,
    user: row.user,
    title: row.title,
    error: row.error,
    // Additive (existing clients ignore them): why the job is in its status, and since when.
    status_reason: (row.status_reason as StatusReason | null) ?? defaultReason(row.status),
    status_changed: isoTime(row.status_changed ?? row.ended_at ?? row.started_at ?? row.created_at),
    progress,
    tagging_progress,
    tag_details:
      row.status === "queued"
        ? null
        : {
            tag_status: (row.tag_status as TagStatus | null) ?? tagStatusOf(row.status, counters),
            time_running: Math.round(((row.ended_at ?? now) - started) / 10) / 100,
            progress,
            tagging_progress,
            total_parts: row.total_parts,
            downloaded_parts: row.downloaded_parts,
            tagged_parts: row.tagged_parts,
            warnings: row.num_warnings > 0 ? { num_warnings: row.num_warnings, last_warning: row.last_warning ?? "" } : null,
            // Live jobs: how far behind the stream tagging is, and the last wall-clock time tagged.
            ...(live ? { live_lag_s: row.live_lag_ms === null ? null : Math.round(row.live_lag_ms / 100) / 10, last_tagged_at: row.last_wall_ms === null ? null : isoTime(row.last_wall_ms) } : {}),
          },
  };
}
