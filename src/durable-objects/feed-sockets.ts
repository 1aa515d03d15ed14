import { FEED_SNAPSHOT_JOBS } from "../limits";
import { db } from "../db/client";
import { recentTenantJobs } from "../db/jobs";
import { jobStatusView } from "../jobs/view";
import type { FeedEvent } from "./feed-events";

/**
 * What a tenant feed's objects share (the TenantFeed and its FeedShards): the subscriber's
 * filter as the socket's tag, the first message, and sending an event to the matching sockets.
 */
export interface FeedFilter {
  qid?: string;
  model?: string;
}

/** A stored event, as `?since=` replays it. */
export interface FeedRow {
  feed_seq: number;
  qid: string;
  model: string;
  body: string;
}

export const filterMatches = (f: FeedFilter, e: Pick<FeedEvent, "qid" | "model">) => (!f.qid || f.qid === e.qid) && (!f.model || f.model === e.model);

/** One tag per filter: "q:<qid>|m:<model>" with empty parts for what is not filtered. */
const filterTag = (qid?: string, model?: string) => `q:${qid ?? ""}|m:${model ?? ""}`;

/** A subscriber's request, as the Worker forwards it (it checked who they are and the tenant). */
export function feedRequest(request: Request): { tenant: string; filter: FeedFilter; since: number | null } | null {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return null;
  const url = new URL(request.url);
  const qid = url.searchParams.get("qid");
  const model = url.searchParams.get("model");
  const since = url.searchParams.get("since");
  return { tenant: url.searchParams.get("tenant")!, filter: { ...(qid ? { qid } : {}), ...(model ? { model } : {}) }, since: since === null ? null : Number(since) };
}

/** An event as a FeedShard gets it: its body (with its feed_seq) and what subscribers filter on. */
export interface ShardEvent {
  body: string;
  qid: string;
  model: string;
}

/**
 * Accepts a subscriber with the Hibernation API (tagged with its filter, so publishing asks the
 * runtime for exactly the matching sockets), sends the snapshot and then what it missed.
 * `history` answers with the feed's newest feed_seq and the stored events after `since`.
 */
export async function acceptSubscriber(
  ctx: DurableObjectState,
  env: Env,
  sub: { tenant: string; filter: FeedFilter; since: number | null },
  history: (since: number | null) => Promise<{ last: number; rows: FeedRow[] }>,
): Promise<Response> {
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  ctx.acceptWebSocket(server, [filterTag(sub.filter.qid, sub.filter.model)]);
  const [{ jobs, more }, { last, rows }] = await Promise.all([snapshot(env, sub.tenant, sub.filter), history(sub.since)]);
  server.send(JSON.stringify({ type: "snapshot", tenant: sub.tenant, feed_seq: last, jobs, more }));
  for (const row of rows) if (filterMatches(sub.filter, row)) server.send(row.body);
  return new Response(null, { status: 101, webSocket: client });
}

/**
 * Sends events to every socket of this object whose filter matches, socket by socket: each
 * socket gets all of its events before the next socket gets its first. A part's events come in
 * pairs (job.tags, job.progress), and sending event by event made the last socket's progress
 * wait behind every socket's tags. Each socket still gets its events in feed_seq order.
 */
export function sendToSubscribers(ctx: DurableObjectState, events: ShardEvent[]): void {
  const byTag = new Map<string, string[]>();
  for (const e of events) {
    for (const tag of new Set([filterTag(), filterTag(e.qid), filterTag(undefined, e.model), filterTag(e.qid, e.model)])) {
      const bodies = byTag.get(tag);
      if (bodies) bodies.push(e.body);
      else byTag.set(tag, [e.body]);
    }
  }
  for (const [tag, bodies] of byTag) {
    for (const ws of ctx.getWebSockets(tag)) {
      try {
        for (const body of bodies) ws.send(body);
      } catch {
        // A socket that is closing; the runtime drops it.
      }
    }
  }
}

/** Clients only listen; "ping" is answered by the runtime. Other messages get a short note. */
export function answerClientMessage(ws: WebSocket, message: string | ArrayBuffer): void {
  if (message !== "ping") ws.send(JSON.stringify({ type: "error", message: "This feed only sends; use ping to keep it alive" }));
}

/**
 * The tenant's jobs a subscriber sees first: the newest FEED_SNAPSHOT_JOBS of those active or
 * ended in the last hour (`more` says there are others: /job-status pages through them). Bounded,
 * so one tenant's many jobs cannot make a snapshot too large to send.
 */
async function snapshot(env: Env, tenant: string, f: FeedFilter): Promise<{ jobs: ReturnType<typeof jobStatusView>[]; more: boolean }> {
  const now = Date.now();
  const results = await recentTenantJobs(db(env), tenant, now - 3_600_000, f, FEED_SNAPSHOT_JOBS + 1);
  return { jobs: results.slice(0, FEED_SNAPSHOT_JOBS).map((r) => jobStatusView(r, now)), more: results.length > FEED_SNAPSHOT_JOBS };
}
