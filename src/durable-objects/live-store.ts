import type { LiveSegmentInput } from "../contract/live";

/** The runner's live state: one row, beside the job row. */
export interface LiveState {
  segment_length_ms: number;
  max_duration_ms: number | null;
  target_ms: number;
  /** Stream time handed to parts so far (what max_duration counts). */
  covered_ms: number;
  poll_failures: number;
  /** No more polling: max_duration reached, the playlist ended, or the job ended. */
  done: number;
  next_poll_at: number;
  last_msn: number | null;
  last_disc: number | null;
  /** Wall-clock end of the last segment seen, to continue a playlist without dates. */
  last_wall_end: number | null;
  parts_created: number;
  live_lag_ms: number | null;
  last_wall_ms: number | null;
}

export interface PendingSegment extends LiveSegmentInput {
  wall_ms: number;
  seen_at: number;
}

/**
 * The live tables of a TagRunner: the live row, and the segments seen but not yet in a part
 * (a part's worth at most: segments leave this table as soon as they are grouped).
 */
export class LiveStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS live (
      k INTEGER PRIMARY KEY CHECK (k = 1), segment_length_ms INTEGER NOT NULL, max_duration_ms INTEGER, target_ms INTEGER NOT NULL,
      covered_ms INTEGER NOT NULL DEFAULT 0, poll_failures INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0,
      next_poll_at INTEGER NOT NULL DEFAULT 0, last_msn INTEGER, last_disc INTEGER, last_wall_end INTEGER,
      parts_created INTEGER NOT NULL DEFAULT 0, live_lag_ms INTEGER, last_wall_ms INTEGER)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS live_pending (
      disc INTEGER NOT NULL, msn INTEGER NOT NULL, seg TEXT NOT NULL, PRIMARY KEY (disc, msn))`);
  }

  get(): LiveState | null {
    const row = this.sql.exec("SELECT * FROM live WHERE k = 1").toArray()[0];
    if (!row) return null;
    const { k: _k, ...rest } = row as Record<string, SqlStorageValue>;
    return rest as unknown as LiveState;
  }

  reset(segmentLengthMs: number, maxDurationMs: number | null, targetMs: number): void {
    this.sql.exec("DELETE FROM live");
    this.sql.exec("DELETE FROM live_pending");
    this.sql.exec("INSERT INTO live (k, segment_length_ms, max_duration_ms, target_ms) VALUES (1, ?, ?, ?)", segmentLengthMs, maxDurationMs, targetMs);
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

/**
 * Groups pending segments into parts of at least `lengthMs` (a discontinuity closes a group
 * early: segments across it do not play as one file). With `flush`, a short last group is kept.
 */
export function groupSegments(pending: PendingSegment[], lengthMs: number, flush: boolean): PendingSegment[][] {
  const groups: PendingSegment[][] = [];
  let current: PendingSegment[] = [];
  let sum = 0;
  for (const seg of pending) {
    if (current.length > 0 && seg.discontinuity !== current[0]!.discontinuity) {
      groups.push(current);
      current = [];
      sum = 0;
    }
    current.push(seg);
    sum += seg.duration_ms;
    if (sum >= lengthMs) {
      groups.push(current);
      current = [];
      sum = 0;
    }
  }
  if (flush && current.length > 0) groups.push(current);
  return groups;
}
