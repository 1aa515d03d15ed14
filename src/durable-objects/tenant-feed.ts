import { DurableObject } from "cloudflare:workers";
import { migrateStore, type StorageMigration } from "./storage-schema";
import { type FeedEvent, replyCloseCode } from "./feed-events";
import { acceptSubscriber, answerClientMessage, feedRequest, type FeedRow, sendToSubscribers, type ShardEvent } from "./feed-sockets";
import type { FeedShard } from "./feed-shard";
import { feedShardName } from "../contract/feed";

/** Events the tenant's feed keeps for `?since=` replays. */
const FEED_HISTORY = 2000;
/** The history is trimmed every this many events, so it holds up to FEED_HISTORY + FEED_TRIM_EVERY - 1. */
const FEED_TRIM_EVERY = 50;
/**
 * A shard that answers a delivery with no sockets is forgotten, unless a socket was placed on it
 * this recently: that socket may not be accepted yet.
 */
const SHARD_GRACE_MS = 60_000;

/** Forward migrations of the feed's tables (storage-schema.ts); append, never edit. */
const FEED_MIGRATIONS: StorageMigration[] = [
  (sql) => sql.exec("CREATE TABLE IF NOT EXISTS feed (feed_seq INTEGER PRIMARY KEY AUTOINCREMENT, qid TEXT NOT NULL, model TEXT NOT NULL, body TEXT NOT NULL)"),
  // v2: the FeedShards that hold some of the tenant's sockets, and when one was last placed there.
  (sql) => sql.exec("CREATE TABLE IF NOT EXISTS shards (k INTEGER PRIMARY KEY, placed_at INTEGER NOT NULL)"),
];

/**
 * One per tenant: the feed of every job in the tenant (`GET /feed`). TagRunners publish their
 * events here; each gets a feed-wide `feed_seq` and is kept for `?since=` replays. Sockets are
 * accepted with the Hibernation API, so an idle feed costs nothing and the object can be evicted
 * between events without dropping its clients.
 *
 * With FEED_SHARDS above 1, subscribers are spread over this object (shard 0) and FeedShards
 * 1..n-1, each sending to its own sockets: one object sends every event to every socket in turn,
 * so a tenant with thousands of sockets divides that work over objects that run side by side.
 */
export class TenantFeed extends DurableObject<Env> {
  /** The newest feed_seq, kept in memory: every event of every job in the tenant passes here. */
  private seq: number | undefined;
  /** Shards with sockets (k → when a socket was last placed there), read from storage once. */
  private shards: Map<number, number> | undefined;
  private placed = 0;
  private readonly shardStubs = new Map<number, DurableObjectStub<FeedShard>>();
  /** Per shard: events not yet handed over, and whether a call is under way (see toShard). */
  private readonly outbox = new Map<number, { events: ShardEvent[]; sending: boolean }>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrateStore(ctx.storage, "feed", FEED_MIGRATIONS);
    // Answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** A new subscriber on this object (the Worker checked who it is and that the tenant is theirs). */
  override async fetch(request: Request): Promise<Response> {
    const sub = feedRequest(request);
    if (!sub) return new Response("expected a websocket", { status: 426 });
    return acceptSubscriber(this.ctx, this.env, sub, async (since) => this.history(since));
  }

  /**
   * Where the tenant's next subscriber goes, of `count` shards: in turn, so sockets spread evenly.
   * 0 is this object; a FeedShard's number is remembered, so events reach it from now on.
   */
  async place(tenant: string, count: number): Promise<number> {
    const k = this.placed++ % Math.max(1, count);
    if (k > 0) this.markShard(tenant, k);
    return k;
  }

  /** A FeedShard accepted a socket: it gets events (again), and the feed's position and history. */
  async join(tenant: string, k: number, since: number | null): Promise<{ last: number; rows: FeedRow[] }> {
    // Shard 0 is this object: a FeedShard always has a number from 1 up.
    if (Number.isInteger(k) && k >= 1) this.markShard(tenant, k);
    return this.history(since);
  }

  /** A runner's event: kept for replays and sent to every subscriber whose filter matches. */
  async publish(event: FeedEvent): Promise<void> {
    this.publishAll([event]);
  }

  /** A runner's events, in their order (those that piled up while its last call was under way). */
  async publishMany(events: FeedEvent[]): Promise<void> {
    this.publishAll(events);
  }

  private publishAll(events: FeedEvent[]): void {
    const out: ShardEvent[] = [];
    for (const event of events) {
      const seq = (this.seq = this.lastSeq() + 1);
      const body = JSON.stringify({ ...event, feed_seq: seq });
      this.ctx.storage.sql.exec("INSERT INTO feed (feed_seq, qid, model, body) VALUES (?, ?, ?, ?)", seq, event.qid, event.model, body);
      // Trimmed every FEED_TRIM_EVERY events, not each: one statement less per event on a busy feed.
      if (seq % FEED_TRIM_EVERY === 0) this.ctx.storage.sql.exec("DELETE FROM feed WHERE feed_seq <= ?", seq - FEED_HISTORY);
      const shardEvent = { body, qid: event.qid, model: event.model };
      for (const [k] of this.shardSet()) this.toShard(event.tenant, k, shardEvent);
      out.push(shardEvent);
    }
    sendToSubscribers(this.ctx, out);
  }

  /**
   * Hands events to shard k in feed_seq order: one call at a time, each taking every event that
   * piled up meanwhile (two calls made back to back may arrive in either order). The shards
   * send side by side.
   */
  private toShard(tenant: string, k: number, event: ShardEvent): void {
    let box = this.outbox.get(k);
    if (!box) this.outbox.set(k, (box = { events: [], sending: false }));
    box.events.push(event);
    if (!box.sending) void this.sendToShard(tenant, k, box);
  }

  private async sendToShard(tenant: string, k: number, box: { events: ShardEvent[]; sending: boolean }): Promise<void> {
    box.sending = true;
    while (box.events.length > 0) {
      const events = box.events.splice(0);
      try {
        const sockets = await this.shardStub(tenant, k).deliver(events);
        const placedAt = this.shardSet().get(k);
        if (sockets === 0 && placedAt !== undefined && Date.now() - placedAt > SHARD_GRACE_MS) this.forgetShard(k);
      } catch (e) {
        console.error(`feed of ${tenant}: shard ${k} missed ${events.length} event(s)`, e);
      }
    }
    box.sending = false;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    answerClientMessage(ws, message);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    ws.close(replyCloseCode(code), "closed");
  }

  private history(since: number | null): { last: number; rows: FeedRow[] } {
    const rows = since === null ? [] : this.ctx.storage.sql.exec<{ feed_seq: number; qid: string; model: string; body: string }>("SELECT feed_seq, qid, model, body FROM feed WHERE feed_seq > ? ORDER BY feed_seq", since).toArray();
    return { last: this.lastSeq(), rows };
  }

  /** The newest event's feed_seq, read from storage once per object life (see `seq`). */
  private lastSeq(): number {
    this.seq ??= this.ctx.storage.sql.exec<{ s: number | null }>("SELECT MAX(feed_seq) AS s FROM feed").one().s ?? 0;
    return this.seq;
  }

  private shardSet(): Map<number, number> {
    this.shards ??= new Map(this.ctx.storage.sql.exec<{ k: number; placed_at: number }>("SELECT k, placed_at FROM shards").toArray().map((r) => [r.k, r.placed_at]));
    return this.shards;
  }

  private markShard(tenant: string, k: number): void {
    const now = Date.now();
    this.shardSet().set(k, now);
    this.ctx.storage.sql.exec("INSERT INTO shards (k, placed_at) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET placed_at = excluded.placed_at", k, now);
    this.shardStub(tenant, k);
  }

  private forgetShard(k: number): void {
    this.shardSet().delete(k);
    this.shardStubs.delete(k);
    this.ctx.storage.sql.exec("DELETE FROM shards WHERE k = ?", k);
  }

  private shardStub(tenant: string, k: number): DurableObjectStub<FeedShard> {
    let stub = this.shardStubs.get(k);
    if (!stub) this.shardStubs.set(k, (stub = this.env.FEED_SHARD.getByName(feedShardName(tenant, k))));
    return stub;
  }
}
