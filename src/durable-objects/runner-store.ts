import { migrateStore, type StorageMigration } from "./storage-schema";
import { isActive, type JobStatus } from "../jobs/status";
import type { JobInit } from "../contract/job";
import type { PartRef } from "../contract/part";

/** The job row as the runner keeps it in its own SQLite storage. */
export interface JobState {
  id: string;
  status: JobStatus;
  init: JobInit;
  total: number;
  downloaded: number;
  tagged: number;
  failed: number;
  inflight: number;
  num_warnings: number;
  last_warning: string | null;
  error: string | null;
  last_tag_error: string | null;
  plan_attempts: number;
  started_at: number | null;
  ended_at: number | null;
  seq: number;
  dirty: number;
  last_flush: number;
  /** A StatusReason once the job ended (null: the status's own reason). */
  reason: string | null;
  status_changed: number;
}

/** `stopping`: in flight when its job was stopped; a result that still comes is counted. */
export type PartState = "pending" | "inflight" | "stopping" | "done" | "failed" | "cancelled";

export interface PartRow {
  id: string;
  idx: number;
  ref: PartRef;
  state: PartState;
  attempts: number;
  deadline: number;
  downloaded: number;
}

/** Forward migrations of the job and parts tables (storage-schema.ts); append, never edit. */
const RUNNER_MIGRATIONS: StorageMigration[] = [
  (sql) => {
    sql.exec(`CREATE TABLE IF NOT EXISTS job (
      k INTEGER PRIMARY KEY CHECK (k = 1), id TEXT NOT NULL, status TEXT NOT NULL, init TEXT NOT NULL,
      total INTEGER NOT NULL DEFAULT 0, downloaded INTEGER NOT NULL DEFAULT 0, tagged INTEGER NOT NULL DEFAULT 0,
      failed INTEGER NOT NULL DEFAULT 0, inflight INTEGER NOT NULL DEFAULT 0, num_warnings INTEGER NOT NULL DEFAULT 0,
      last_warning TEXT, error TEXT, last_tag_error TEXT, plan_attempts INTEGER NOT NULL DEFAULT 0,
      started_at INTEGER, ended_at INTEGER, seq INTEGER NOT NULL DEFAULT 0, dirty INTEGER NOT NULL DEFAULT 0,
      last_flush INTEGER NOT NULL DEFAULT 0)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS parts (
      id TEXT PRIMARY KEY, idx INTEGER NOT NULL, ref TEXT NOT NULL, state TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, deadline INTEGER NOT NULL DEFAULT 0, downloaded INTEGER NOT NULL DEFAULT 0)`);
    sql.exec(`CREATE INDEX IF NOT EXISTS parts_by_state ON parts (state, idx)`);
    sql.exec(`CREATE INDEX IF NOT EXISTS parts_by_deadline ON parts (state, deadline)`);
  },
  // v2: why the job is in its status, and since when.
  (sql) => {
    sql.exec("ALTER TABLE job ADD COLUMN reason TEXT");
    sql.exec("ALTER TABLE job ADD COLUMN status_changed INTEGER NOT NULL DEFAULT 0");
  },
];

/** Now, in ms, as SQLite tells it (status_changed is a display time, not a runner deadline). */
const SQL_NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

/** Every column of `job` but `init`, which job() parses once per job. */
const JOB_COLUMNS =
  "id, status, total, downloaded, tagged, failed, inflight, num_warnings, last_warning, error, last_tag_error, plan_attempts, started_at, ended_at, seq, dirty, last_flush, reason, status_changed";

/** Thin typed helpers over the object's SQLite storage (the agents SDK's style of SQL helpers). */
export class RunnerStore {
  private readonly sql: SqlStorage;
  /** The current job's parsed `init`, by job id (see job()). */
  private init: { id: string; init: JobInit } | undefined;

  constructor(storage: DurableObjectStorage) {
    migrateStore(storage, "runner", RUNNER_MIGRATIONS);
    this.sql = storage.sql;
  }

  /** Forgets the job and its parts (the content they belonged to is gone). */
  clear(): void {
    this.sql.exec("DELETE FROM job");
    this.sql.exec("DELETE FROM parts");
    this.init = undefined;
  }

  /**
   * The job as stored. Its `init` never changes for a job id, so it is parsed once and shared by
   * every call (callers read it and never change it): reading the job is the runner's most
   * frequent step, and parsing `init` each time was a tenth of the runtime's thread per part.
   */
  job(): JobState | null {
    // SQLite rows come untyped; JOB_COLUMNS names exactly JobState's fields but init, so the row is one.
    const row = this.sql.exec(`SELECT ${JOB_COLUMNS} FROM job WHERE k = 1`).toArray()[0] as unknown as Omit<JobState, "init"> | undefined;
    if (!row) return null;
    if (this.init?.id !== row.id) {
      const stored = this.sql.exec<{ init: string }>("SELECT init FROM job WHERE k = 1").one().init;
      this.init = { id: row.id, init: JSON.parse(stored) as JobInit };
    }
    return { ...row, init: this.init.init };
  }

  /** Replaces the pair's job with a new one (the old one is terminal) and forgets its parts. */
  newJob(init: JobInit): void {
    this.sql.exec("DELETE FROM parts");
    this.sql.exec("DELETE FROM job");
    this.sql.exec(`INSERT INTO job (k, id, status, init, seq, dirty, status_changed) VALUES (1, ?, 'queued', ?, 1, 1, ${SQL_NOW_MS})`, init.job_id, JSON.stringify(init));
    this.init = undefined;
  }

  /** Applies a change to the job row and marks it for the next D1 snapshot. */
  update(fields: Partial<Omit<JobState, "id" | "init" | "seq" | "dirty" | "last_flush" | "status_changed">>): void {
    const keys = Object.keys(fields);
    const sets = keys.map((k) => `${k} = ?`).concat(["seq = seq + 1", "dirty = 1"], fields.status !== undefined ? [`status_changed = ${SQL_NOW_MS}`] : []);
    this.sql.exec(`UPDATE job SET ${sets.join(", ")} WHERE k = 1`, ...keys.map((k) => (fields as Record<string, SqlStorageValue>)[k]!));
  }

  markFlushed(seq: number, at: number): void {
    this.sql.exec("UPDATE job SET dirty = CASE WHEN seq = ? THEN 0 ELSE dirty END, last_flush = ? WHERE k = 1", seq, at);
  }

  insertParts(parts: PartRef[]): void {
    for (const p of parts) this.sql.exec("INSERT OR IGNORE INTO parts (id, idx, ref, state) VALUES (?, ?, ?, 'pending')", p.id, p.idx, JSON.stringify(p));
  }

  /**
   * The job, if it is `jobId` and in one of `statuses`: what a late, repeated or stale call must
   * find before it changes anything (the pair may have moved on to another job meanwhile).
   */
  jobIn(jobId: string, statuses: readonly JobStatus[]): JobState | null {
    const job = this.job();
    return job && job.id === jobId && statuses.includes(job.status) ? job : null;
  }

  /** The pair's job while it is queued or running. */
  activeJob(): JobState | null {
    const job = this.job();
    return job && isActive(job.status) ? job : null;
  }

  /**
   * The part, if the job is still running and the part still waits for exactly this dispatch
   * attempt: what a late, repeated or superseded report must find before it changes anything.
   */
  waitingPart(jobId: string, partId: string, attempt: number): { job: JobState; part: PartRow } | null {
    const job = this.jobIn(jobId, ["running"]);
    if (!job) return null;
    const part = this.part(partId);
    return part && part.state === "inflight" && part.attempts === attempt ? { job, part } : null;
  }

  part(id: string): PartRow | null {
    const row = this.sql.exec("SELECT * FROM parts WHERE id = ?", id).toArray()[0];
    return row ? toPart(row) : null;
  }

  /** Every part of the job, in content order. */
  allParts(): PartRow[] {
    return this.sql.exec("SELECT * FROM parts ORDER BY idx").toArray().map(toPart);
  }

  /** The next pending parts in content order (indexed: no scan of the whole table). */
  nextPending(limit: number): PartRow[] {
    if (limit <= 0) return [];
    return this.sql.exec("SELECT * FROM parts WHERE state = 'pending' ORDER BY idx LIMIT ?", limit).toArray().map(toPart);
  }

  overdue(now: number, limit: number): PartRow[] {
    return this.sql.exec("SELECT * FROM parts WHERE state = 'inflight' AND deadline <= ? ORDER BY deadline LIMIT ?", now, limit).toArray().map(toPart);
  }

  earliestDeadline(): number | null {
    const row = this.sql.exec("SELECT MIN(deadline) AS d FROM parts WHERE state = 'inflight'").one();
    return (row.d as number | null) ?? null;
  }

  setPart(id: string, fields: Partial<Pick<PartRow, "state" | "attempts" | "deadline" | "downloaded">>): void {
    const keys = Object.keys(fields);
    this.sql.exec(`UPDATE parts SET ${keys.map((k) => `${k} = ?`).join(", ")} WHERE id = ?`, ...keys.map((k) => (fields as Record<string, SqlStorageValue>)[k]!), id);
  }

  cancelOpenParts(): void {
    this.sql.exec("UPDATE parts SET state = CASE state WHEN 'inflight' THEN 'stopping' ELSE 'cancelled' END WHERE state IN ('pending', 'inflight')");
  }
}

function toPart(row: Record<string, SqlStorageValue>): PartRow {
  return {
    id: row.id as string,
    idx: row.idx as number,
    ref: JSON.parse(row.ref as string) as PartRef,
    state: row.state as PartState,
    attempts: row.attempts as number,
    deadline: row.deadline as number,
    downloaded: row.downloaded as number,
  };
}
