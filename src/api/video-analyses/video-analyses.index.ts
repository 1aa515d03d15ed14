import { createRouter } from "../router";
import { createVideoAnalysisHandler, getVideoAnalysisHandler, getVideoAnalysisResultHandler } from "./video-analyses.handlers";
import { createVideoAnalysis, getVideoAnalysis, getVideoAnalysisResult } from "./video-analyses.routes";

export const videoAnalysesRouter = createRouter();
videoAnalysesRouter.openapi(createVideoAnalysis, createVideoAnalysisHandler);
videoAnalysesRouter.openapi(getVideoAnalysis, getVideoAnalysisHandler);
videoAnalysesRouter.openapi(getVideoAnalysisResult, getVideoAnalysisResultHandler);
