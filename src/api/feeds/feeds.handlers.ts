import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { contentFor } from "../../auth/content-access";
import { principalOf } from "../../auth/middleware";
import { isMember, isSystem } from "../../auth/principal";
import { ApiError, badRequest, forbidden } from "../../errors";
import { runnerFor } from "../../contract/runner";
import { openTenantFeed } from "../../contract/feed";
import { MODEL_PATTERN, QID_PATTERN } from "../shared.schemas";

const FEED_PARAMS = new Set(["authorization", "since", "qid", "model", "tenant"]);

/** A feed is a websocket: anything else is told how to ask for one. Unknown or bad parameters: 400. */
function checkFeedRequest(c: Context<AppEnv>, allowed: string[]): URLSearchParams {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "UPGRADE_REQUIRED", "Feeds are websockets: connect with Upgrade: websocket");
  const params = new URL(c.req.url).searchParams;
  for (const key of params.keys()) {
    if (!FEED_PARAMS.has(key) || (key !== "authorization" && !allowed.includes(key))) throw badRequest(`Unknown query parameter: ${key}`, "VALIDATION_ERROR");
  }
  const since = params.get("since");
  if (since !== null && !/^\d{1,15}$/.test(since) && !SINCE_BY_TENANT.test(since)) {
    throw badRequest("since must be a sequence number (a non-negative integer), or tenant:number pairs separated by commas", "VALIDATION_ERROR");
  }
  return params;
}

/** `?since=` of a feed over several tenants: each tenant's feed_seq (`acme:12,beta:5`). */
const SINCE_BY_TENANT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}:\d{1,15}(,[A-Za-z0-9][A-Za-z0-9_-]{0,63}:\d{1,15}){0,49}$/;

/** The since of one tenant: a plain number applies to a one-tenant feed; pairs name each tenant's. */
function sinceOf(since: string | null, tenant: string, single: boolean): string | null {
  if (since === null) return null;
  if (/^\d+$/.test(since)) return single ? since : null;
  return since.split(",").find((pair) => pair.startsWith(`${tenant}:`))?.slice(tenant.length + 1) ?? null;
}

/** Tenants one socket may follow at once. */
const MAX_FEED_TENANTS = 20;

/** GET /{qid}/feed/{model}: the pair's events, from its TagRunner. */
export async function pairFeedHandler(c: Context<AppEnv>) {
  const params = checkFeedRequest(c, ["since"]);
  const qid = c.req.param("qid") ?? "";
  const model = c.req.param("model") ?? "";
  if (!QID_PATTERN.test(qid)) throw badRequest("qid is not a content id", "VALIDATION_ERROR");
  if (!MODEL_PATTERN.test(model)) throw badRequest("model is not a model name", "VALIDATION_ERROR");
  const content = await contentFor(c.env, await principalOf(c), qid);
  const url = new URL("https://runner/feed");
  url.searchParams.set("tenant", content.tenant_id);
  if (params.get("since") !== null) url.searchParams.set("since", params.get("since")!);
  return runnerFor(c.env, qid, model).fetch(new Request(url, c.req.raw));
}

/**
 * GET /feed: the events of every job in the caller's tenants. With ?tenant=, that tenant's feed
 * (its TenantFeed object). Without, every tenant the caller belongs to: one tenant is served
 * by its object directly; several through one socket that relays each tenant object's socket
 * (snapshots and events carry their tenant). System administrators name the tenant.
 */
export async function tenantFeedHandler(c: Context<AppEnv>) {
  const params = checkFeedRequest(c, ["since", "qid", "model", "tenant"]);
  const p = await principalOf(c);
  const asked = params.get("tenant");
  let tenants: string[];
  if (asked) {
    if (!isMember(p, asked)) throw forbidden(`You are not a member of tenant ${asked}`);
    tenants = [asked];
  } else {
    if (isSystem(p)) throw badRequest("Pass ?tenant= (you are in every tenant)", "TENANT_REQUIRED");
    tenants = [...p.roles.keys()].sort();
    if (tenants.length === 0) throw forbidden("You are not a member of any tenant");
    if (tenants.length > MAX_FEED_TENANTS) throw badRequest(`You are in ${tenants.length} tenants; one socket follows at most ${MAX_FEED_TENANTS}: pass ?tenant=`, "TENANT_REQUIRED");
  }
  const single = tenants.length === 1;
  const open = (tenant: string) => {
    const url = new URL("https://feed/feed");
    url.searchParams.set("tenant", tenant);
    const since = sinceOf(params.get("since"), tenant, single);
    if (since !== null) url.searchParams.set("since", since);
    for (const key of ["qid", "model"]) if (params.get(key) !== null) url.searchParams.set(key, params.get(key)!);
    return openTenantFeed(c.env, tenant, url);
  };
  if (single) return open(tenants[0]!);
  return relay(await Promise.all(tenants.map(open)));
}

/**
 * One client socket over several tenant feeds: every message of each goes to the client as it
 * is; the client's close (or any feed's) closes them all. The Worker holds these sockets, which
 * cannot hibernate, so this is kept for callers in a handful of tenants.
 */
function relay(upstream: Response[]): Response {
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  server.accept();
  const feeds = upstream.map((res) => {
    const ws = res.webSocket;
    if (!ws) throw new ApiError(502, "FEED_UNAVAILABLE", "A tenant feed did not open");
    ws.accept();
    return ws;
  });
  const closeAll = (code = 1000, reason = "closed") => {
    for (const ws of [server, ...feeds]) {
      try {
        ws.close(code, reason);
      } catch {
        // Already closing.
      }
    }
  };
  for (const ws of feeds) {
    ws.addEventListener("message", (m) => {
      try {
        server.send(m.data);
      } catch {
        closeAll();
      }
    });
    ws.addEventListener("close", () => closeAll(1011, "a tenant feed closed; reconnect"));
  }
  server.addEventListener("message", (m) => {
    if (m.data === "ping") server.send("pong");
    else server.send(JSON.stringify({ type: "error", message: "This feed only sends; use ping to keep it alive" }));
  });
  server.addEventListener("close", () => closeAll());
  return new Response(null, { status: 101, webSocket: client });
}
