import { DurableObject } from "cloudflare:workers";
import { replyCloseCode } from "./feed-events";
import { acceptSubscriber, answerClientMessage, feedRequest, sendToSubscribers, type ShardEvent } from "./feed-sockets";

/**
 * Some of a tenant's feed subscribers (FEED_SHARDS; see TenantFeed): the TenantFeed numbers each
 * event and hands it here, and this object sends it to its own sockets. It stores nothing: the
 * history and the position for `?since=` are the TenantFeed's, asked for when a socket joins.
 */
export class FeedShard extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** A subscriber the TenantFeed placed here (the request names the tenant and this shard's number). */
  override async fetch(request: Request): Promise<Response> {
    const sub = feedRequest(request);
    if (!sub) return new Response("expected a websocket", { status: 426 });
    const k = Number(new URL(request.url).searchParams.get("shard"));
    const hub = this.env.TENANT_FEED.getByName(sub.tenant);
    return acceptSubscriber(this.ctx, this.env, sub, (since) => hub.join(sub.tenant, k, since));
  }

  /** Events from the TenantFeed, in feed_seq order, for the matching sockets here; answers how many sockets this shard holds. */
  async deliver(events: ShardEvent[]): Promise<number> {
    sendToSubscribers(this.ctx, events);
    return this.ctx.getWebSockets().length;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    answerClientMessage(ws, message);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    ws.close(replyCloseCode(code), "closed");
  }
}
