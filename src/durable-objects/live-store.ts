import type { LiveState, PendingSegment } from "./live-intake";
import { migrateStore, type StorageMigration } from "./storage-schema";

/** Forward migrations of the live tables (storage-schema.ts); append, never edit. */
const LIVE_MIGRATIONS: StorageMigration[] = [
  (sql) => {
    sql.exec(`CREATE TABLE IF NOT EXISTS live (
      k INTEGER PRIMARY KEY CHECK (k = 1), segment_length_ms INTEGER NOT NULL, max_duration_ms INTEGER, target_ms INTEGER NOT NULL,
      covered_ms INTEGER NOT NULL DEFAULT 0, poll_failures INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0,
      next_poll_at INTEGER NOT NULL DEFAULT 0, last_msn INTEGER, last_disc INTEGER, last_wall_end INTEGER,
      parts_created INTEGER NOT NULL DEFAULT 0, live_lag_ms INTEGER, last_wall_ms INTEGER)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS live_pending (
      disc INTEGER NOT NULL, msn INTEGER NOT NULL, seg TEXT NOT NULL, PRIMARY KEY (disc, msn))`);
  },
];

/**
 * The live tables of a TagRunner: the live row, and the segments seen but not yet in a part
 * (a part's worth at most: segments leave this table as soon as they are grouped).
 */
export class LiveStore {
  private readonly sql: SqlStorage;

  constructor(storage: DurableObjectStorage) {
    migrateStore(storage, "live", LIVE_MIGRATIONS);
    this.sql = storage.sql;
  }

  get(): LiveState | null {
    const row = this.sql.exec("SELECT * FROM live WHERE k = 1").toArray()[0];
    if (!row) return null;
    const { k: _k, ...rest } = row as Record<string, SqlStorageValue>;
    return rest as unknown as LiveState;
  }

  /** Writes the whole live row (a plan's result). */
  put(state: LiveState): void {
    const keys = Object.keys(state) as Array<keyof LiveState>;
    this.sql.exec(
      `INSERT OR REPLACE INTO live (k, ${keys.join(", ")}) VALUES (1, ${keys.map(() => "?").join(", ")})`,
      ...keys.map((k) => state[k]),
    );
  }

  clear(): void {
    this.sql.exec("DELETE FROM live");
    this.sql.exec("DELETE FROM live_pending");
  }

  update(fields: Partial<LiveState>): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    this.sql.exec(`UPDATE live SET ${keys.map((k) => `${k} = ?`).join(", ")} WHERE k = 1`, ...keys.map((k) => (fields as Record<string, SqlStorageValue>)[k] ?? null));
  }

  addPending(seg: PendingSegment): void {
    this.sql.exec("INSERT OR IGNORE INTO live_pending (disc, msn, seg) VALUES (?, ?, ?)", seg.discontinuity, seg.msn, JSON.stringify(seg));
  }

  pending(): PendingSegment[] {
    return this.sql
      .exec("SELECT seg FROM live_pending ORDER BY disc, msn")
      .toArray()
      .map((r) => JSON.parse(r.seg as string) as PendingSegment);
  }

  dropPending(segs: PendingSegment[]): void {
    for (const s of segs) this.sql.exec("DELETE FROM live_pending WHERE disc = ? AND msn = ?", s.discontinuity, s.msn);
  }
}
