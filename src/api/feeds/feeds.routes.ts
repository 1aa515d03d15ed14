/**
 * Progress feeds: websockets served by Durable Objects (documented in docs/feeds.md, not in the
 * OpenAPI document, which cannot describe a websocket).
 */
export const TENANT_FEED_PATH = "/feed";
export const PAIR_FEED_PATH = "/:qid/feed/:model";
