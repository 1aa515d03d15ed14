import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { pairFeedHandler, tenantFeedHandler } from "./feeds.handlers";

/** Progress feeds: websockets served by Durable Objects (documented in docs/feeds.md). */
export function registerFeeds(app: OpenAPIHono<AppEnv>) {
  app.get("/feed", tenantFeedHandler);
  app.get("/:qid/feed/:model", pairFeedHandler);
}
