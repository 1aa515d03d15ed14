import { idempotency } from "../gateway/idempotency";
import { createRouter } from "../router";
import { createVideoAnalysisHandler, getVideoAnalysisHandler, getVideoAnalysisResultHandler } from "./video-analyses.handlers";
import { createVideoAnalysis, getVideoAnalysis, getVideoAnalysisResult } from "./video-analyses.routes";

export const videoAnalysesRouter = createRouter();
videoAnalysesRouter.use("/v1/video-analyses", idempotency);
videoAnalysesRouter.openapi(createVideoAnalysis, createVideoAnalysisHandler);
videoAnalysesRouter.openapi(getVideoAnalysis, getVideoAnalysisHandler);
videoAnalysesRouter.openapi(getVideoAnalysisResult, getVideoAnalysisResultHandler);
