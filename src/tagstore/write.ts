import type { PartRef } from "../contract/part";
import { batchIdOf, type JobInit, targetTenantOf } from "../contract/job";
import { formatTimeRan } from "../jobs/time";
import type { AlignedTag } from "./align";

/** D1 allows 100 bound parameters a statement: rows per multi-row insert for a given width. */
const rowsPerStatement = (columns: number) => Math.floor(100 / columns);

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Creates the job's tracks, batches (one per track) and report rows for every part in scope.
 * Idempotent (INSERT OR IGNORE), so a repeated plan message changes nothing.
 */
export async function createBatches(env: Env, init: JobInit, parts: PartRef[], now = Date.now()): Promise<void> {
  const report = JSON.stringify({
    source_qid: init.qid,
    params: init.params,
    job_status: { status: "Running", time_ran: formatTimeRan(0) },
  });
  const tenant = targetTenantOf(init);
  const stmts: D1PreparedStatement[] = [];
  for (const t of init.tracks) {
    const batchId = batchIdOf(init.job_id, t.name);
    stmts.push(env.DB.prepare("INSERT OR IGNORE INTO tracks (qid, name, label, tenant_id) VALUES (?, ?, ?, ?)").bind(init.target_qid, t.name, t.label, tenant));
    stmts.push(
      env.DB.prepare("INSERT OR IGNORE INTO batches (id, qid, track, job_id, model, author, timestamp, report, tenant_id) VALUES (?, ?, ?, ?, ?, 'tagger', ?, ?, ?)").bind(
        batchId, init.target_qid, t.name, init.job_id, init.model, now, report, tenant,
      ),
    );
    for (const rows of chunk(parts, rowsPerStatement(5))) {
      stmts.push(
        env.DB.prepare(`INSERT OR IGNORE INTO report_parts (batch_id, qid, track, part_id, tenant_id) VALUES ${rows.map(() => "(?, ?, ?, ?, ?)").join(", ")}`).bind(
          ...rows.flatMap((p) => [batchId, init.target_qid, t.name, p.id, tenant]),
        ),
      );
    }
  }
  // One transaction per 200 statements keeps each batch well inside D1's limits.
  for (const group of chunk(stmts, 200)) await env.DB.batch(group);
}

/**
 * What stores one part's tags and marks the part uploaded in the job's reports; run together as
 * one transaction (a D1 batch). The part's earlier tags in these batches are replaced as a set,
 * so a repeat changes nothing.
 */
export function partTagStatements(db: D1Database, init: JobInit, part: PartRef, tags: AlignedTag[]): D1PreparedStatement[] {
  const known = new Set(init.tracks.map((t) => t.name));
  const primary = init.tracks[0]!.name;
  const batchIds = init.tracks.map((t) => batchIdOf(init.job_id, t.name));
  const inList = batchIds.map(() => "?").join(", ");
  const tenant = targetTenantOf(init);
  const stmts: D1PreparedStatement[] = [
    db.prepare(`DELETE FROM tags WHERE batch_id IN (${inList}) AND source = ?`).bind(...batchIds, part.id),
  ];
  if (init.params.replace) {
    // One current result per (content, track, model): the model's earlier tags on this part's
    // time (or, for an image, from this part) leave the read paths and stay in their batches.
    const end = part.start_ms + part.duration_ms;
    stmts.push(
      db.prepare(
        `UPDATE tags SET superseded_by = ? WHERE tenant_id = ? AND qid = ? AND model = ? AND job_id != ? AND superseded_by IS NULL
           AND (source = ? OR (? > 0 AND start_time < ? AND (end_time > ? OR start_time >= ?)))`,
      ).bind(init.job_id, tenant, init.target_qid, init.model, init.job_id, part.id, part.duration_ms, end, part.start_ms, part.start_ms),
    );
  }
  const rows = tags.map((t, i) => {
    const track = known.has(t.track) ? t.track : primary;
    const batchId = batchIdOf(init.job_id, track);
    return [
      `${batchId}:${part.id}#${i}`, batchId, tenant, init.target_qid, track, init.job_id, init.model, part.id,
      t.start_time, t.end_time, t.text,
      t.frame_info ? JSON.stringify(t.frame_info) : null,
      t.additional_info ? JSON.stringify(t.additional_info) : null,
    ];
  });
  for (const group of chunk(rows, rowsPerStatement(13))) {
    stmts.push(
      db.prepare(
        `INSERT INTO tags (id, batch_id, tenant_id, qid, track, job_id, model, source, start_time, end_time, text, frame_info, additional_info) VALUES ${group
          .map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .join(", ")}`,
      ).bind(...group.flat()),
    );
  }
  stmts.push(
    db.prepare(`UPDATE report_parts SET downloaded = 1, tagged = 1, uploaded = 1 WHERE batch_id IN (${inList}) AND part_id = ?`).bind(...batchIds, part.id),
  );
  return stmts;
}

/** Records that a part's media was fetched (the report's downloaded_sources). */
export async function markDownloaded(env: Env, init: JobInit, part: PartRef): Promise<void> {
  const batchIds = init.tracks.map((t) => batchIdOf(init.job_id, t.name));
  await env.DB.prepare(`UPDATE report_parts SET downloaded = 1 WHERE batch_id IN (${batchIds.map(() => "?").join(", ")}) AND part_id = ?`)
    .bind(...batchIds, part.id)
    .run();
}

/**
 * A deleted job's results leave every read path: its tags are marked superseded ('deleted'), and
 * its parts no longer count as tagged (coverage, diff-based tagging); its batches stay as history.
 */
export async function retractJobResults(env: Env, jobId: string): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("UPDATE tags SET superseded_by = 'deleted' WHERE job_id = ? AND superseded_by IS NULL").bind(jobId),
    env.DB.prepare("UPDATE report_parts SET tagged = 0, uploaded = 0 WHERE batch_id IN (SELECT id FROM batches WHERE job_id = ?)").bind(jobId),
    env.DB.prepare("UPDATE batches SET retracted = 1 WHERE job_id = ?").bind(jobId),
  ]);
}
