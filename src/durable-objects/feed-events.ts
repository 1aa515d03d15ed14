import { migrateStore, type StorageMigration } from "./storage-schema";
import { progressOf } from "../jobs/status";
import type { JobState } from "./runner-store";

/** What feeds send, one JSON message per event (docs/feeds.md). */
export type FeedEventType = "job.queued" | "job.running" | "job.progress" | "job.tags" | "job.succeeded" | "job.failed" | "job.cancelled";

export interface FeedEvent {
  type: FeedEventType;
  job_id: string;
  qid: string;
  model: string;
  tenant: string;
  /** Increases by one per event of the job. */
  seq: number;
  at: string;
  data: Record<string, unknown>;
}

/** Events a runner keeps for `?since=` replays. */
export const JOB_HISTORY = 500;

/** The counters a progress event carries (also in the first and last events). */
export function progressData(job: JobState): Record<string, unknown> {
  const progress = progressOf(job.status, { total: job.total, downloaded: job.downloaded, tagged: job.tagged });
  return {
    status: job.status,
    total_parts: job.total,
    downloaded_parts: job.downloaded,
    tagged_parts: job.tagged,
    failed_parts: job.failed,
    progress,
    tagging_progress: `${job.tagged}/${job.total}`,
    warnings: job.num_warnings > 0 ? { num_warnings: job.num_warnings, last_warning: job.last_warning ?? "" } : null,
  };
}

/** Forward migrations of the event log's tables (storage-schema.ts); append, never edit. */
const TRIM_EVERY = 50;

const EVENT_LOG_MIGRATIONS: StorageMigration[] = [(sql) => sql.exec("CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)")];

/** The runner's event log: its SQLite table, bounded to the last JOB_HISTORY events of the job. */
export class EventLog {
  private readonly sql: SqlStorage;
  /** The newest seq, read from storage once per object life: two events a part pass here. */
  private seq: number | undefined;

  constructor(storage: DurableObjectStorage) {
    migrateStore(storage, "events", EVENT_LOG_MIGRATIONS);
    this.sql = storage.sql;
  }

  clear(): void {
    this.sql.exec("DELETE FROM events");
    this.seq = 0;
  }

  append(make: (seq: number) => FeedEvent): FeedEvent {
    const event = make(this.lastSeq() + 1);
    this.seq = event.seq;
    this.sql.exec("INSERT INTO events (seq, body) VALUES (?, ?)", event.seq, JSON.stringify(event));
    // Trimmed every TRIM_EVERY events, not each: the log holds up to JOB_HISTORY + TRIM_EVERY - 1.
    if (event.seq % TRIM_EVERY === 0) this.sql.exec("DELETE FROM events WHERE seq <= ?", event.seq - JOB_HISTORY);
    return event;
  }

  since(seq: number): FeedEvent[] {
    return this.sql
      .exec("SELECT body FROM events WHERE seq > ? ORDER BY seq", seq)
      .toArray()
      .map((r) => JSON.parse(r.body as string) as FeedEvent);
  }

  lastSeq(): number {
    this.seq ??= this.sql.exec<{ s: number | null }>("SELECT MAX(seq) AS s FROM events").one().s ?? 0;
    return this.seq;
  }
}

/**
 * The code to answer a client's close with. The runtime reports codes a server may not send
 * (1005: no code, 1006: the connection dropped without a close frame, 1015: TLS) and protocol
 * ones that are the client's to give; a server sends 1000 or an application code (3000-4999),
 * so a client that vanished gets a normal close instead of an exception in the log.
 */
export function replyCloseCode(code: number): number {
  return code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000;
}
