import type { JobLogEvent, LogLevel } from "../contract/job-events";

/*
 * A job's event log once the job has ended (the runner keeps the live one): copied by the
 * runner's end-of-job snapshot, idempotently (a repeated copy adds nothing).
 */

const COLUMNS = 8;
const ROWS_PER_STATEMENT = Math.floor(100 / COLUMNS);

export function copyJobEventsStatements(db: D1Database, jobId: string, events: JobLogEvent[]): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [];
  for (let i = 0; i < events.length; i += ROWS_PER_STATEMENT) {
    const rows = events.slice(i, i + ROWS_PER_STATEMENT);
    out.push(
      db
        .prepare(`INSERT OR IGNORE INTO job_events (job_id, seq, at, level, message, part, attempt, provider) VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`)
        .bind(...rows.flatMap((e) => [jobId, e.seq, e.timestamp, e.level, e.message, e.part ?? null, e.attempt ?? null, e.provider ?? null])),
    );
  }
  return out;
}

export async function jobEventsPage(db: D1Database, jobId: string, levels: readonly LogLevel[], start: number, limit: number): Promise<{ events: JobLogEvent[]; total: number }> {
  const inList = levels.map(() => "?").join(", ");
  const [page, count] = await db.batch([
    db.prepare(`SELECT seq, at, level, message, part, attempt, provider FROM job_events WHERE job_id = ? AND level IN (${inList}) ORDER BY seq LIMIT ? OFFSET ?`).bind(jobId, ...levels, limit, start),
    db.prepare(`SELECT COUNT(*) AS n FROM job_events WHERE job_id = ? AND level IN (${inList})`).bind(jobId, ...levels),
  ]);
  const rows = page!.results as Array<{ seq: number; at: number; level: LogLevel; message: string; part: string | null; attempt: number | null; provider: string | null }>;
  return {
    events: rows.map((r) => ({ seq: r.seq, timestamp: r.at, level: r.level, message: r.message, ...(r.part !== null ? { part: r.part } : {}), ...(r.attempt !== null ? { attempt: r.attempt } : {}), ...(r.provider !== null ? { provider: r.provider } : {}) })),
    total: (count!.results[0] as { n: number } | undefined)?.n ?? 0,
  };
}
