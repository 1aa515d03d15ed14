import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse } from "../shared.schemas";
import { createHeaders, includeQuery } from "../gateway/gateway.schemas";
import { VideoAnalysisCreateSchema, VideoAnalysisJobSchema, VideoAnalysisResultSchema } from "./video-analyses.schemas";

const id = z.string().uuid("must be a job id (a UUID)").openapi({ param: { name: "id", in: "path" } });

export const createVideoAnalysis = createRoute({
  method: "post",
  path: "/v1/video-analyses",
  tags: ["ai-gateway"],
  operationId: "createVideoAnalysis",
  summary: "Create video analysis job",
  description:
    "Runs the requested `features` over the video at `input.url` asynchronously (202 with the job). Each feature is served by a model of the catalog that declares it (GET /v1/providers); a feature no provider here offers is refused at create, naming it. A feature that fails leaves the others: the job completes with that feature empty and a `FEATURE_FAILED` warning; it fails only when every feature failed.",
  request: { headers: createHeaders, body: jsonBody(VideoAnalysisCreateSchema, "The job") },
  responses: { 202: jsonResponse(VideoAnalysisJobSchema, "Accepted: the job, pending"), ...errorResponses(400, 401, 403, 404, 409, 503) },
});

export const getVideoAnalysis = createRoute({
  method: "get",
  path: "/v1/video-analyses/{id}",
  tags: ["ai-gateway"],
  operationId: "getVideoAnalysis",
  summary: "Get video analysis job",
  description: "The job: its status, progress 0-100, the provider of each feature, warnings (failed features, no speaker identification), and once completed its result.",
  request: { params: z.object({ id }), query: includeQuery },
  responses: { 200: jsonResponse(VideoAnalysisJobSchema, "The job"), ...errorResponses(400, 401, 404) },
});

export const getVideoAnalysisResult = createRoute({
  method: "get",
  path: "/v1/video-analyses/{id}/result",
  tags: ["ai-gateway"],
  operationId: "getVideoAnalysisResult",
  summary: "Get video analysis result",
  description: "The result: `video_metadata` and a key per requested feature, times in seconds. 404 `RESULT_NOT_READY` (with `Retry-After`) until completed, 404 `JOB_FAILED` when failed.",
  request: { params: z.object({ id }) },
  responses: { 200: jsonResponse(VideoAnalysisResultSchema, "The result"), ...errorResponses(400, 401, 404) },
});
