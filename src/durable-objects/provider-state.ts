import { DurableObject } from "cloudflare:workers";
import { migrateStore, type StorageMigration } from "./storage-schema";
import { type Acquired, type CallOutcome, type ModelLoad, type ProviderHealth, QUEUE_WINDOW_MINUTES, type SlotOp, type SlotUse } from "../contract/provider-slots";

/** Consecutive failures that open the circuit, and how long it stays open before a trial call. */
const TRIP_AFTER = 3;
const DEFAULT_COOLDOWN_MS = 30_000;
const WINDOW_MINUTES = 5;
const DEGRADED_RATE = 0.2;
// Fewer calls than this say too little for a rate to mean anything.
const MIN_CALLS_FOR_RATE = 3;
const QUEUE_WINDOW_MS = QUEUE_WINDOW_MINUTES * 60_000;
// Old call records are dropped at most this often: the hot path stays one insert and one update.
const PRUNE_EVERY_MS = 5_000;

interface Waiter {
  lease: string;
  /** priorityRank of its job: a higher rank is served first, then the earliest. */
  rank: number;
  limit: number;
  leaseMs: number;
  use: SlotUse | undefined;
  resolve: (a: Acquired) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Forward migrations of the provider's tables (storage-schema.ts); append, never edit. */
const PROVIDER_MIGRATIONS: StorageMigration[] = [
  (sql) => {
    sql.exec(`CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS minutes (minute INTEGER PRIMARY KEY, calls INTEGER NOT NULL, errors INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS breaker (
      k INTEGER PRIMARY KEY CHECK (k = 1), consecutive INTEGER NOT NULL DEFAULT 0, open_until INTEGER NOT NULL DEFAULT 0,
      trial TEXT, last_success_at INTEGER, last_error_at INTEGER, last_error TEXT)`);
    sql.exec(`INSERT OR IGNORE INTO breaker (k) VALUES (1)`);
  },
  // One row per slot granted, kept for the queue window: waits, load and outcomes per tenant and model.
  (sql) => {
    sql.exec(`CREATE TABLE IF NOT EXISTS calls (
      lease TEXT PRIMARY KEY, tenant TEXT NOT NULL, model TEXT NOT NULL,
      queued_at INTEGER NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER, ok INTEGER)`);
  },
];

/**
 * One per provider (named by its id): the slots every job shares (leases, so a crashed consumer
 * cannot hold one forever), the circuit breaker, and the health figures. Waiting consumers are
 * parked in memory, at most one per part in flight, and get the next free slot first: those of
 * high-priority jobs before standard before low, each in order of arrival.
 */
export class ProviderState extends DurableObject<Env> {
  private waiters: Waiter[] = [];
  private prunedAt = 0;
  /** No lease runs out before this (a lower bound, kept in memory; unknown after a restart). */
  private leasesLastUntil: number | undefined;
  private prunedMinute = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrateStore(ctx.storage, "provider", PROVIDER_MIGRATIONS);
  }

  /**
   * A slot for `lease`, unless the provider is down (circuit open) or all `limit` slots are taken
   * for longer than `waitMs`. A lease already held is granted again (a repeated delivery).
   * `lastResort`: the caller has no other provider, so the circuit does not turn it away.
   * `rank`: its job's priority (priorityRank); waiting parts get free slots highest rank first.
   * `use`: whose part it is and since when it waits, for the queue figures.
   */
  async acquire(lease: string, limit: number, leaseMs: number, waitMs: number, cooldownMs = DEFAULT_COOLDOWN_MS, lastResort = false, rank = 1, use?: SlotUse): Promise<Acquired> {
    const now = Date.now();
    this.expireLeases(now);
    const got = this.tryAcquire(lease, limit, leaseMs, cooldownMs, lastResort, use, now);
    if (got.granted || got.reason === "down" || waitMs <= 0) return got;
    return new Promise<Acquired>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.lease !== lease);
        resolve({ granted: false, reason: "busy", retry_at: null });
      }, waitMs);
      const at = this.waiters.findIndex((w) => w.rank < rank);
      this.waiters.splice(at < 0 ? this.waiters.length : at, 0, { lease, rank, limit, leaseMs, use, resolve, timer });
    });
  }

  /** Frees the slot and records how the call went; the next waiter gets the slot at once. */
  async finish(lease: string, outcome: CallOutcome, cooldownMs = DEFAULT_COOLDOWN_MS): Promise<void> {
    const now = Date.now();
    this.finishNow(lease, outcome, cooldownMs, now);
    this.handOver(now);
  }

  /**
   * Several parts' slot operations in one round trip (the consumer groups them, group-commit.ts),
   * answered in order: an acquire's answer, null for the others. Slots freed here go first, to
   * the parts already waiting and then to this group's acquires; an acquire never waits here
   * (a part that must wait asks acquire() itself).
   */
  async apply(ops: SlotOp[]): Promise<Array<Acquired | null>> {
    const now = Date.now();
    this.expireLeases(now);
    for (const o of ops) {
      if (o.op === "finish") this.finishNow(o.lease, o.outcome, o.cooldownMs, now);
      else if (o.op === "release") this.releaseNow(o.lease, now);
    }
    this.handOver(now);
    const answers: Array<Acquired | null> = ops.map(() => null);
    // Free slots go to the group's higher priorities first, then in order of arrival.
    const acquires = ops.flatMap((o, i) => (o.op === "acquire" ? [{ o, i }] : [])).sort((a, b) => b.o.rank - a.o.rank || a.i - b.i);
    for (const { o, i } of acquires) answers[i] = this.tryAcquire(o.lease, o.limit, o.leaseMs, o.cooldownMs, o.lastResort, o.use, now);
    return answers;
  }

  /** Keeps a slot longer: the provider accepted the part and works on it until its callback. */
  async extend(lease: string, leaseMs: number): Promise<void> {
    this.ctx.storage.sql.exec("UPDATE leases SET expires_at = ? WHERE id = ?", Date.now() + leaseMs, lease);
  }

  /** Frees the slot without a verdict (the part was stopped, or the work was handed to a callback). */
  async release(lease: string): Promise<void> {
    const now = Date.now();
    this.releaseNow(lease, now);
    this.handOver(now);
  }

  /**
   * Per tenant and model: the parts holding a slot or in line for one now, and the waits and
   * outcomes of the last QUEUE_WINDOW_MINUTES. `tenants`: only theirs (null: every tenant).
   */
  async queueLoad(tenants: string[] | null): Promise<ModelLoad[]> {
    const now = Date.now();
    this.expireLeases(now);
    const since = now - QUEUE_WINDOW_MS;
    const rows = this.ctx.storage.sql
      .exec<Omit<ModelLoad, "waiting">>(
        `SELECT tenant, model,
           COALESCE(SUM(ended_at IS NULL AND lease IN (SELECT id FROM leases)), 0) AS in_flight,
           COALESCE(SUM(started_at >= ?1), 0) AS started,
           COALESCE(SUM(CASE WHEN started_at >= ?1 THEN MAX(0, started_at - queued_at) END), 0) AS wait_sum_ms,
           COALESCE(MAX(CASE WHEN started_at >= ?1 THEN MAX(0, started_at - queued_at) END), 0) AS oldest_wait_ms,
           COALESCE(SUM(ended_at >= ?1 AND ok IS NOT NULL), 0) AS completed,
           COALESCE(SUM(ended_at >= ?1 AND ok = 0), 0) AS errors
         FROM calls GROUP BY tenant, model`,
        since,
      )
      .toArray();
    const byKey = new Map(rows.map((r) => [`${r.tenant}\n${r.model}`, { ...r, waiting: 0 }]));
    for (const w of this.waiters) {
      if (!w.use) continue;
      const key = `${w.use.tenant}\n${w.use.model}`;
      const load = byKey.get(key) ?? { tenant: w.use.tenant, model: w.use.model, in_flight: 0, waiting: 0, started: 0, wait_sum_ms: 0, oldest_wait_ms: 0, completed: 0, errors: 0 };
      load.waiting++;
      load.oldest_wait_ms = Math.max(load.oldest_wait_ms, now - w.use.queued_at);
      byKey.set(key, load);
    }
    const wanted = tenants && new Set(tenants);
    return [...byKey.values()].filter((l) => !wanted || wanted.has(l.tenant));
  }

  async health(): Promise<ProviderHealth> {
    const now = Date.now();
    this.expireLeases(now);
    const b = this.breaker();
    const since = Math.floor(now / 60_000) - WINDOW_MINUTES + 1;
    const w = this.ctx.storage.sql.exec<{ calls: number | null; errors: number | null }>("SELECT SUM(calls) AS calls, SUM(errors) AS errors FROM minutes WHERE minute >= ?", since).one();
    const calls = w.calls ?? 0;
    const errors = w.errors ?? 0;
    const rate = calls > 0 ? errors / calls : 0;
    const down = b.open_until > now || b.consecutive >= TRIP_AFTER;
    return {
      status: down ? "down" : calls >= MIN_CALLS_FOR_RATE && rate > DEGRADED_RATE ? "degraded" : "ok",
      in_flight: this.inFlight(),
      last_success_at: b.last_success_at,
      last_error_at: b.last_error_at,
      last_error: b.last_error,
      calls,
      errors,
      error_rate: Math.round(rate * 1000) / 1000,
      window_minutes: WINDOW_MINUTES,
      consecutive_failures: b.consecutive,
      retry_at: down ? Math.max(b.open_until, now) : null,
    };
  }

  private record(outcome: CallOutcome, now: number, lease: string, cooldownMs: number) {
    if (!outcome.counts) return;
    const minute = Math.floor(now / 60_000);
    this.ctx.storage.sql.exec(
      "INSERT INTO minutes (minute, calls, errors) VALUES (?, 1, ?) ON CONFLICT (minute) DO UPDATE SET calls = calls + 1, errors = errors + excluded.errors",
      minute,
      outcome.ok ? 0 : 1,
    );
    // Old minutes go once a minute, not with every call: the slot's path is the engine's hottest.
    if (minute !== this.prunedMinute) {
      this.prunedMinute = minute;
      this.ctx.storage.sql.exec("DELETE FROM minutes WHERE minute < ?", minute - 60);
    }
    if (outcome.ok) {
      this.ctx.storage.sql.exec("UPDATE breaker SET consecutive = 0, open_until = 0, trial = NULL, last_success_at = ? WHERE k = 1", now);
      return;
    }
    const b = this.breaker();
    const consecutive = b.consecutive + 1;
    // The failed trial, or the failure that reaches the limit, opens the circuit for a cool-down.
    const opens = consecutive >= TRIP_AFTER && (b.consecutive < TRIP_AFTER || b.trial === lease);
    this.ctx.storage.sql.exec(
      "UPDATE breaker SET consecutive = ?, open_until = ?, trial = CASE WHEN trial = ? THEN NULL ELSE trial END, last_error_at = ?, last_error = ? WHERE k = 1",
      consecutive,
      opens ? now + cooldownMs : b.open_until,
      lease,
      now,
      (outcome.error ?? "failed").slice(0, 500),
    );
  }

  /** A slot now, or why not (busy: all taken); leases already expired are gone. */
  private tryAcquire(lease: string, limit: number, leaseMs: number, cooldownMs: number, lastResort: boolean, use: SlotUse | undefined, now: number): Acquired {
    if (this.leaseExists(lease)) return { granted: true };
    const b = this.breaker();
    if (!lastResort && b.open_until > now) return { granted: false, reason: "down", retry_at: b.open_until };
    if (!lastResort && b.consecutive >= TRIP_AFTER) {
      // Cool-down over: one trial call at a time decides whether the provider is back.
      if (b.trial && this.leaseExists(b.trial)) return { granted: false, reason: "down", retry_at: now + cooldownMs };
      this.ctx.storage.sql.exec("UPDATE breaker SET trial = ? WHERE k = 1", lease);
      this.grant(lease, leaseMs, now, use);
      return { granted: true };
    }
    if (this.inFlight() < limit) {
      this.grant(lease, leaseMs, now, use);
      return { granted: true };
    }
    return { granted: false, reason: "busy", retry_at: null };
  }

  private finishNow(lease: string, outcome: CallOutcome, cooldownMs: number, now: number) {
    const held = this.ctx.storage.sql.exec("DELETE FROM leases WHERE id = ?", lease).rowsWritten > 0;
    if (!held) return;
    this.record(outcome, now, lease, cooldownMs);
    // A failure that says nothing of the provider ends the call without a verdict.
    this.endCall(lease, now, outcome.counts ? outcome.ok : null);
  }

  private releaseNow(lease: string, now: number) {
    this.ctx.storage.sql.exec("DELETE FROM leases WHERE id = ?", lease);
    this.endCall(lease, now, null);
  }

  private handOver(now: number) {
    while (this.waiters.length > 0 && this.inFlight() < this.waiters[0]!.limit) {
      const next = this.waiters.shift()!;
      clearTimeout(next.timer);
      this.grant(next.lease, next.leaseMs, now, next.use);
      next.resolve({ granted: true });
    }
  }

  private grant(lease: string, leaseMs: number, now: number, use: SlotUse | undefined) {
    const sql = this.ctx.storage.sql;
    sql.exec("INSERT OR REPLACE INTO leases (id, expires_at) VALUES (?, ?)", lease, now + leaseMs);
    if (this.leasesLastUntil !== undefined) this.leasesLastUntil = Math.min(this.leasesLastUntil, now + leaseMs);
    // A lease granted again after it expired keeps its first record: one call, one wait.
    sql.exec(
      "INSERT OR IGNORE INTO calls (lease, tenant, model, queued_at, started_at) VALUES (?, ?, ?, ?, ?)",
      lease,
      use?.tenant ?? "",
      use?.model ?? "",
      use?.queued_at ?? now,
      now,
    );
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      sql.exec("DELETE FROM calls WHERE COALESCE(ended_at, started_at) < ? AND (ended_at IS NOT NULL OR lease NOT IN (SELECT id FROM leases))", now - QUEUE_WINDOW_MS);
    }
  }

  /** Closes the call's record once (a repeated finish or release changes nothing). */
  private endCall(lease: string, now: number, ok: boolean | null) {
    this.ctx.storage.sql.exec("UPDATE calls SET ended_at = ?, ok = ? WHERE lease = ? AND ended_at IS NULL", now, ok === null ? null : ok ? 1 : 0, lease);
  }

  /**
   * Drops the leases of holders that vanished. Skipped until the earliest lease can have run out
   * (`leasesLastUntil`): a lease lasts minutes and every slot operation starts here, so this was
   * a statement per operation that almost never deleted anything.
   */
  private expireLeases(now: number) {
    if (this.leasesLastUntil !== undefined && now < this.leasesLastUntil) return;
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM leases WHERE expires_at <= ?", now);
    this.leasesLastUntil = sql.exec<{ t: number | null }>("SELECT MIN(expires_at) AS t FROM leases").one().t ?? Number.POSITIVE_INFINITY;
  }

  private leaseExists(lease: string): boolean {
    return this.ctx.storage.sql.exec("SELECT 1 FROM leases WHERE id = ?", lease).toArray().length > 0;
  }

  private inFlight(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM leases").one().n;
  }

  private breaker() {
    return this.ctx.storage.sql
      .exec<{ consecutive: number; open_until: number; trial: string | null; last_success_at: number | null; last_error_at: number | null; last_error: string | null }>(
        "SELECT consecutive, open_until, trial, last_success_at, last_error_at, last_error FROM breaker WHERE k = 1",
      )
      .one();
  }
}
