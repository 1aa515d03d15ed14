import { type JobLogEvent, levelsFrom, type LogLevel } from "../contract/job-events";
import { migrateStore, type StorageMigration } from "./storage-schema";

/** Entries kept per job: the newest; the oldest go first, so the job's end is never lost. */
export const JOB_LOG_CAP = 1000;

const JOB_LOG_MIGRATIONS: StorageMigration[] = [
  (sql) =>
    sql.exec(`CREATE TABLE IF NOT EXISTS job_log (
      seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, level TEXT NOT NULL, message TEXT NOT NULL,
      part TEXT, attempt INTEGER, provider TEXT)`),
];

type LogRow = {
  seq: number;
  at: number;
  level: LogLevel;
  message: string;
  part: string | null;
  attempt: number | null;
  provider: string | null;
};

const toEvent = (r: LogRow): JobLogEvent => ({
  seq: r.seq,
  timestamp: r.at,
  level: r.level,
  message: r.message,
  ...(r.part !== null ? { part: r.part } : {}),
  ...(r.attempt !== null ? { attempt: r.attempt } : {}),
  ...(r.provider !== null ? { provider: r.provider } : {}),
});

/** The current job's event log in the runner's storage, bounded to `cap` entries. */
export class JobLog {
  private readonly sql: SqlStorage;
  /**
   * The newest entry's seq, read from storage once per object life: every part adds entries,
   * and each statement costs the runner's thread.
   */
  private lastSeq: number | undefined;

  constructor(storage: DurableObjectStorage, private readonly cap = JOB_LOG_CAP) {
    migrateStore(storage, "job_log", JOB_LOG_MIGRATIONS);
    this.sql = storage.sql;
  }

  clear(): void {
    this.sql.exec("DELETE FROM job_log");
    this.lastSeq = 0;
  }

  add(at: number, level: LogLevel, message: string, about: { part?: string; attempt?: number; provider?: string } = {}): void {
    this.lastSeq ??= this.sql.exec<{ s: number | null }>("SELECT MAX(seq) AS s FROM job_log").one().s ?? 0;
    const seq = ++this.lastSeq;
    this.sql.exec("INSERT INTO job_log (seq, at, level, message, part, attempt, provider) VALUES (?, ?, ?, ?, ?, ?, ?)", seq, at, level, message.slice(0, 1000), about.part ?? null, about.attempt ?? null, about.provider ?? null);
    if (seq > this.cap) this.sql.exec("DELETE FROM job_log WHERE seq <= ?", seq - this.cap);
  }

  /** A page of entries at `minLevel` or above, in order, with how many there are. */
  page(minLevel: LogLevel, start: number, limit: number): { events: JobLogEvent[]; total: number } {
    const levels = levelsFrom(minLevel);
    const inList = levels.map(() => "?").join(", ");
    const total = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM job_log WHERE level IN (${inList})`, ...levels).one().n;
    const rows = this.sql.exec<LogRow>(`SELECT * FROM job_log WHERE level IN (${inList}) ORDER BY seq LIMIT ? OFFSET ?`, ...levels, limit, start).toArray();
    return { events: rows.map(toEvent), total };
  }

  /** The entries after `seq`, for the D1 copy made when the job ends. */
  after(seq: number): JobLogEvent[] {
    return this.sql.exec<LogRow>("SELECT * FROM job_log WHERE seq > ? ORDER BY seq", seq).toArray().map(toEvent);
  }
}
