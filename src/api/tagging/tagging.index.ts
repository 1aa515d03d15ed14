import { createRouter } from "../router";
import { stopAll, stopModel, tag, tagRequestHook } from "./tagging.routes";
import { startTaggingHandler, stopTaggingHandler } from "./tagging.handlers";

export const taggingRouter = createRouter();
taggingRouter.openapi(tag, startTaggingHandler, tagRequestHook);
taggingRouter.openapi(stopAll, stopTaggingHandler);
taggingRouter.openapi(stopModel, stopTaggingHandler);
