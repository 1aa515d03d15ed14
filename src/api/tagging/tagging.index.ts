import { createRouter } from "../router";
import { resumeJob, stopAll, stopModel, tag, tagRequestHook } from "./tagging.routes";
import { resumeJobHandler, startTaggingHandler, stopTaggingHandler } from "./tagging.handlers";
import { ScopeVariantSchemas } from "./tagging.schemas";

export const taggingRouter = createRouter();
taggingRouter.openapi(tag, startTaggingHandler, tagRequestHook);
taggingRouter.openapi(stopAll, stopTaggingHandler);
taggingRouter.openapi(stopModel, stopTaggingHandler);
taggingRouter.openapi(resumeJob, resumeJobHandler);
for (const [name, schema] of Object.entries(ScopeVariantSchemas)) taggingRouter.openAPIRegistry.register(name, schema);
