import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { contentFor } from "../../auth/content-access";
import { principalOf } from "../../auth/middleware";
import { isMember, isSystem } from "../../auth/principal";
import { ApiError, badRequest, forbidden } from "../../errors";
import { runnerFor } from "../../contract/runner";
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
  if (since !== null && !/^\d{1,15}$/.test(since)) throw badRequest("since must be a sequence number (a non-negative integer)", "VALIDATION_ERROR");
  return params;
}

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

/** GET /feed: the events of every job in one of the caller's tenants. */
export async function tenantFeedHandler(c: Context<AppEnv>) {
  const params = checkFeedRequest(c, ["since", "qid", "model", "tenant"]);
  const p = await principalOf(c);
  let tenant = params.get("tenant");
  if (!tenant) {
    const mine = [...p.roles.keys()];
    if (isSystem(p) || mine.length !== 1) throw badRequest(`Pass ?tenant= (you are in ${isSystem(p) ? "every tenant" : `${mine.length} tenants`})`, "TENANT_REQUIRED");
    tenant = mine[0]!;
  }
  if (!isMember(p, tenant)) throw forbidden(`You are not a member of tenant ${tenant}`);
  const url = new URL("https://feed/feed");
  url.searchParams.set("tenant", tenant);
  for (const key of ["since", "qid", "model"]) if (params.get(key) !== null) url.searchParams.set(key, params.get(key)!);
  return c.env.TENANT_FEED.getByName(tenant).fetch(new Request(url, c.req.raw));
}
