import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { principalOf } from "../../auth/middleware";
import { isSystem, requireMember } from "../../auth/principal";
import { badRequest } from "../../errors";
import { ftsQuery, searchTags } from "../../tagstore/search";
import type { searchTags as SearchRoute } from "./search.routes";

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 200;

export const searchTagsHandler: RouteHandler<typeof SearchRoute, AppEnv> = async (c) => {
  const p = await principalOf(c);
  const q = c.req.valid("query");
  if (q.start_time !== undefined && q.end_time !== undefined && q.end_time < q.start_time) throw badRequest("end_time must not be before start_time");
  if (q.text !== undefined && !ftsQuery(q.text)) throw badRequest("text has no words to search for (letters or digits)");
  if (q.sort === "relevance" && q.text === undefined) throw badRequest("sort=relevance needs text");
  if (q.tenant) requireMember(p, q.tenant, "search");
  const tenants = q.tenant ? [q.tenant] : isSystem(p) ? null : [...p.roles.keys()];
  const start = q.start ?? 0;
  const limit = Math.min(q.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  const { hits, total, total_capped } = await searchTags(c.env, tenants, { ...q, sort: q.sort ?? (q.text ? "relevance" : "start_time") }, start, limit);
  return c.json({ hits, meta: { total, start, limit, count: hits.length, ...(total_capped ? { total_capped } : {}) } }, 200);
};
