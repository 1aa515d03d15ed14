import { createRouter } from "../router";
import { PAIR_FEED_PATH, TENANT_FEED_PATH } from "./feeds.routes";
import { pairFeedHandler, tenantFeedHandler } from "./feeds.handlers";

export const feedsRouter = createRouter();
feedsRouter.get(TENANT_FEED_PATH, tenantFeedHandler);
feedsRouter.get(PAIR_FEED_PATH, pairFeedHandler);
