import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { batches } from "../db/schema";
import { reportStatusOf, type JobStatus } from "../jobs/status";
import { formatTimeRan, isoTime } from "../jobs/time";
import type { ContentRef } from "./read";
import { chunk } from "./write";

/** |∪ tagged_sources| / |∪ all_sources| over every report of a (content, track). */
async function trackCoverage(env: Env, content: ContentRef, track: string): Promise<{ all: number; tagged: number }> {
  const row = await env.DB.prepare(
    "SELECT COUNT(DISTINCT part_id) AS all_parts, COUNT(DISTINCT CASE WHEN tagged = 1 THEN part_id END) AS tagged FROM report_parts WHERE tenant_id = ? AND qid = ? AND track = ?",
  )
    .bind(content.tenant, content.qid, track)
    .first<{ all_parts: number; tagged: number }>();
  return { all: row?.all_parts ?? 0, tagged: row?.tagged ?? 0 };
}

const fraction = (c: { all: number; tagged: number }) => (c.all === 0 ? 0 : Math.round((c.tagged / c.all) * 10000) / 10000);

/** `/tag-status`: one entry per (model, track) that has reports on the content. */
export async function contentTagStatus(env: Env, content: ContentRef) {
  const { results } = await env.DB.prepare(
    "SELECT model, track, MAX(timestamp) AS last_run FROM batches WHERE tenant_id = ? AND qid = ? AND retracted = 0 GROUP BY model, track ORDER BY model, track",
  )
    .bind(content.tenant, content.qid)
    .all<{ model: string; track: string; last_run: number }>();
  return Promise.all(
    results.map(async (r) => ({ model: r.model, track: r.track, last_run: isoTime(r.last_run), percent_completion: fraction(await trackCoverage(env, content, r.track)) })),
  );
}

interface BatchRow {
  id: string;
  track: string;
  timestamp: number;
  report: string;
  status: JobStatus | null;
  started_at: number | null;
  ended_at: number | null;
  created_at: number | null;
  num_job_parts: number;
  num_tagged_parts: number;
}

/** `/tag-status/{model}`: the summary and every run, oldest first; null when the model never ran here. */
export async function modelTagStatus(env: Env, content: ContentRef, model: string, now = Date.now()) {
  const { results } = await env.DB.prepare(
    `SELECT b.id, b.track, b.timestamp, b.report, j.status, j.started_at, j.ended_at, j.created_at,
       (SELECT COUNT(*) FROM report_parts rp WHERE rp.batch_id = b.id) AS num_job_parts,
       (SELECT COUNT(*) FROM report_parts rp WHERE rp.batch_id = b.id AND rp.uploaded = 1) AS num_tagged_parts
     FROM batches b LEFT JOIN jobs j ON j.id = b.job_id
     WHERE b.tenant_id = ? AND b.qid = ? AND b.model = ? AND b.retracted = 0 ORDER BY b.timestamp ASC, b.id ASC`,
  )
    .bind(content.tenant, content.qid, model)
    .all<BatchRow>();
  if (results.length === 0) return null;
  const track = results[0]!.track;
  const jobs = [];
  for (const r of results.filter((b) => b.track === track)) {
    let report: { source_qid?: unknown; params?: unknown; job_status?: { status?: unknown; time_ran?: unknown } };
    try {
      report = JSON.parse(r.report);
    } catch {
      console.warn(`tag-status: skipping malformed report in batch ${r.id}`);
      continue;
    }
    if (typeof report !== "object" || report === null || typeof report.source_qid !== "string") {
      console.warn(`tag-status: skipping malformed report in batch ${r.id}`);
      continue;
    }
    // The job's own row is fresher than the report while it runs.
    const ran = r.status ? formatTimeRan(((r.ended_at ?? now) - (r.started_at ?? r.created_at ?? r.timestamp)) / 1000) : String(report.job_status?.time_ran ?? "0h 0m 0s");
    const status = r.status ? reportStatusOf(r.status) : String(report.job_status?.status ?? "Unknown");
    jobs.push({
      time_ran: ran,
      source_qid: report.source_qid,
      params: (report.params ?? {}) as Record<string, unknown>,
      job_status: { status, time_ran: ran },
      upload_status: { num_job_parts: r.num_job_parts, num_tagged_parts: r.num_tagged_parts },
    });
  }
  const coverage = await trackCoverage(env, content, track);
  return {
    summary: { model, track, last_run: isoTime(results[results.length - 1]!.timestamp), tagging_progress: fraction(coverage), num_content_parts: coverage.all },
    jobs,
  };
}

/** Parts already uploaded by earlier runs on this (content, track): what diff-based tagging skips. */
export async function uploadedParts(env: Env, content: ContentRef, track: string): Promise<Set<string>> {
  const { results } = await env.DB.prepare("SELECT DISTINCT part_id FROM report_parts WHERE tenant_id = ? AND qid = ? AND track = ? AND uploaded = 1")
    .bind(content.tenant, content.qid, track)
    .all<{ part_id: string }>();
  return new Set(results.map((r) => r.part_id));
}

/** Which of these parts earlier runs uploaded on (content, track): a lookup by id, never a scan of the history. */
export async function uploadedPartsAmong(env: Env, content: ContentRef, track: string, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const group of chunk(ids, 90)) {
    const { results } = await env.DB.prepare(
      `SELECT DISTINCT part_id FROM report_parts WHERE tenant_id = ? AND qid = ? AND track = ? AND uploaded = 1 AND part_id IN (${group.map(() => "?").join(", ")})`,
    )
      .bind(content.tenant, content.qid, track, ...group)
      .all<{ part_id: string }>();
    for (const row of results) found.add(row.part_id);
  }
  return found;
}

/** Each of the job's batches' report says how the run ended (a statement to batch with the job's snapshot). */
export function endJobReports(d: Db, jobId: string, jobStatus: { status: string; time_ran: string }) {
  return d
    .update(batches)
    .set({ report: sql`json_set(${batches.report}, '$.job_status', json(${JSON.stringify(jobStatus)}))` })
    .where(eq(batches.job_id, jobId));
}
