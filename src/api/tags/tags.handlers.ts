import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { contentFor } from "../../auth/content-access";
import { principalOf } from "../../auth/middleware";
import { badRequest } from "../../errors";
import { findTags, listTracks } from "../../tagstore/read";
import type { tagsList as TagsRoute, tracks as TracksRoute } from "./tags.routes";

export const listTracksHandler: RouteHandler<typeof TracksRoute, AppEnv> = async (c) => {
  const { qid } = c.req.valid("param");
  await contentFor(c.env, await principalOf(c), qid);
  return c.json({ tracks: await listTracks(c.env, qid) }, 200);
};

const MAX_LIMIT = 1000;

export const listTagsHandler: RouteHandler<typeof TagsRoute, AppEnv> = async (c) => {
  const { qid } = c.req.valid("param");
  await contentFor(c.env, await principalOf(c), qid);
  const q = c.req.valid("query");
  if (q.start_time !== undefined && q.end_time !== undefined && q.end_time < q.start_time) throw badRequest("end_time must not be before start_time");
  const start = q.start ?? 0;
  const limit = Math.min(q.limit ?? 100, MAX_LIMIT);
  const { tags, total } = await findTags(c.env, { qid, ...q }, start, limit);
  return c.json({ tags, meta: { total, start, limit, count: tags.length } }, 200);
};
