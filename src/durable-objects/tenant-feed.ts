import { DurableObject } from "cloudflare:workers";
import { migrateStore, type StorageMigration } from "./storage-schema";
import { FEED_SNAPSHOT_JOBS } from "../limits";
import { db } from "../db/client";
import { recentTenantJobs } from "../db/jobs";
import { jobStatusView } from "../jobs/view";
import { type FeedEvent, replyCloseCode } from "./feed-events";

/** Events the tenant's feed keeps for `?since=` replays. */
const FEED_HISTORY = 2000;

interface Filter {
  qid?: string;
  model?: string;
}

const matches = (f: Filter, e: Pick<FeedEvent, "qid" | "model">) => (!f.qid || f.qid === e.qid) && (!f.model || f.model === e.model);
/** One tag per filter: "q:<qid>|m:<model>" with empty parts for what is not filtered. */
const filterTag = (qid?: string, model?: string) => `q:${qid ?? ""}|m:${model ?? ""}`;

/** Forward migrations of the feed's tables (storage-schema.ts); append, never edit. */
const FEED_MIGRATIONS: StorageMigration[] = [
  (sql) => sql.exec("CREATE TABLE IF NOT EXISTS feed (feed_seq INTEGER PRIMARY KEY AUTOINCREMENT, qid TEXT NOT NULL, model TEXT NOT NULL, body TEXT NOT NULL)"),
];

/**
 * One per tenant: the feed of every job in the tenant (`GET /feed`). TagRunners publish their
 * events here; sockets are accepted with the Hibernation API, so an idle feed costs nothing and
 * the object can be evicted between events without dropping its clients. Each socket's filter
 * is its tag, so an event reaches exactly the sockets that asked for it. Events get a feed-wide `feed_seq` for `?since=` replays.
 */
export class TenantFeed extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrateStore(ctx.storage, "feed", FEED_MIGRATIONS);
    // Answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** A new subscriber (the Worker checked who it is and that the tenant is theirs). */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a websocket", { status: 426 });
    const url = new URL(request.url);
    const tenant = url.searchParams.get("tenant")!;
    const filter: Filter = { ...(url.searchParams.get("qid") ? { qid: url.searchParams.get("qid")! } : {}), ...(url.searchParams.get("model") ? { model: url.searchParams.get("model")! } : {}) };
    const since = url.searchParams.get("since");
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    // The socket's filter is its tag: publishing asks the runtime for exactly the matching sockets.
    this.ctx.acceptWebSocket(server, [filterTag(filter.qid, filter.model)]);
    const { jobs, more } = await this.snapshot(tenant, filter);
    server.send(JSON.stringify({ type: "snapshot", tenant, feed_seq: this.lastSeq(), jobs, more }));
    if (since !== null) {
      for (const row of this.ctx.storage.sql.exec<{ feed_seq: number; qid: string; model: string; body: string }>("SELECT feed_seq, qid, model, body FROM feed WHERE feed_seq > ? ORDER BY feed_seq", Number(since))) {
        if (matches(filter, row)) server.send(row.body);
      }
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  /** A runner's event: kept for replays and sent to every subscriber whose filter matches. */
  async publish(event: FeedEvent): Promise<void> {
    const seq = this.ctx.storage.sql.exec<{ s: number | null }>("SELECT MAX(feed_seq) AS s FROM feed").one().s ?? 0;
    const body = JSON.stringify({ ...event, feed_seq: seq + 1 });
    this.ctx.storage.sql.exec("INSERT INTO feed (feed_seq, qid, model, body) VALUES (?, ?, ?, ?)", seq + 1, event.qid, event.model, body);
    this.ctx.storage.sql.exec("DELETE FROM feed WHERE feed_seq <= ?", seq + 1 - FEED_HISTORY);
    const tags = [filterTag(), filterTag(event.qid), filterTag(undefined, event.model), filterTag(event.qid, event.model)];
    for (const tag of tags) {
      for (const ws of this.ctx.getWebSockets(tag)) {
        try {
          ws.send(body);
        } catch {
          // A socket that is closing; the runtime drops it.
        }
      }
    }
  }

  /** Subscribers now (the benchmark and diagnostics). */
  async subscribers(): Promise<number> {
    return this.ctx.getWebSockets().length;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // Clients only listen; "ping" is answered by the runtime. Anything else gets a short note.
    if (message !== "ping") ws.send(JSON.stringify({ type: "error", message: "This feed only sends; use ping to keep it alive" }));
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    ws.close(replyCloseCode(code), "closed");
  }

  private lastSeq(): number {
    return this.ctx.storage.sql.exec<{ s: number | null }>("SELECT MAX(feed_seq) AS s FROM feed").one().s ?? 0;
  }

  /**
   * The tenant's jobs a subscriber sees first: the newest FEED_SNAPSHOT_JOBS of those active or
   * ended in the last hour (`more` says there are others: /job-status pages through them). Bounded,
   * so one tenant's many jobs cannot make a snapshot too large to send.
   */
  private async snapshot(tenant: string, f: Filter): Promise<{ jobs: ReturnType<typeof jobStatusView>[]; more: boolean }> {
    const now = Date.now();
    const results = await recentTenantJobs(db(this.env), tenant, now - 3_600_000, f, FEED_SNAPSHOT_JOBS + 1);
    return { jobs: results.slice(0, FEED_SNAPSHOT_JOBS).map((r) => jobStatusView(r, now)), more: results.length > FEED_SNAPSHOT_JOBS };
  }
}
