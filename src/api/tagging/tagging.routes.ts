import { createRoute, type Hook, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors";
import { describeZodError } from "../validation";
import { authQuery, errorResponses, jsonBody, jsonResponse, modelParam, qidParam } from "../shared.schemas";
import { StartJobsRequestSchema, StartStatusSchema, StopTaggingResponseSchema } from "./tagging.schemas";

// Eluvio's tagger ignores query parameters it does not know on these routes; so do we.
const ignoredExtras = z.object({ authorization: authQuery }).loose();

export const tag = createRoute({
  method: "post",
  path: "/{qid}/tag",
  tags: ["tagging"],
  operationId: "tag",
  description: "Starts one job per entry of `jobs`, each on its own. A content-fabric id (`iq__…`, `hq__…`, `tqw__…`) that is not registered is read through the tenant's fabric, which must let the caller read it (403 `FABRIC_FORBIDDEN` with the fabric's reason otherwise). Each job runs on its own: a pair (content, model) has at most one active job, and a request for a busy pair answers `started: false` with the running job's id in `running_job_id`. `options` (and each job's `overrides`) choose the scope, a destination, `replace` and retries. Scope times are seconds.",
  summary: "Tag content",
  request: {
    params: z.object({ qid: qidParam }),
    query: ignoredExtras.extend({
      tenant: z.string().min(1).max(64).optional().openapi({ description: "For a content-fabric id not tagged here before: the tenant it is tagged for, when you are in several" }),
    }),
    body: jsonBody(StartJobsRequestSchema, "Tagging options"),
  },
  responses: {
    200: jsonResponse(z.object({ jobs: z.array(StartStatusSchema) }).openapi("StartTaggingResponse"), "Success"),
    ...errorResponses(400, 401, 403, 404, 422, 502, 503),
  },
});

export const stopAll = createRoute({
  method: "post",
  path: "/{qid}/stop",
  tags: ["tagging"],
  operationId: "stopAll",
  description: "Stops every queued or running job of the content. Parts already at a provider still land and are counted in the stopped job.",
  summary: "Stop tagging jobs by content",
  request: { params: z.object({ qid: qidParam }), query: ignoredExtras },
  responses: { 200: jsonResponse(StopTaggingResponseSchema, "Success"), ...errorResponses(400, 401, 403, 404) },
});

export const stopModel = createRoute({
  method: "post",
  path: "/{qid}/stop/{model}",
  tags: ["tagging"],
  operationId: "stopModel",
  description: "Stops the content's queued or running job of this model (400 for a model that does not exist, 404 when nothing runs).",
  summary: "Stop tagging jobs by model",
  request: { params: z.object({ qid: qidParam, model: modelParam }), query: ignoredExtras },
  responses: { 200: jsonResponse(StopTaggingResponseSchema, "Success"), ...errorResponses(400, 401, 403, 404) },
});

export const resumeJob = createRoute({
  method: "post",
  path: "/jobs/{job_id}/resume",
  tags: ["tagging"],
  operationId: "resumeJob",
  summary: "Resume a stopped or failed job",
  description:
    "Starts a new job for the same content and model with the same parameters and `replace: false`, so only the parts not yet tagged run. Answers the contract's StartStatus; `started: false` while the pair has an active job. Your own jobs, or any job of a tenant you administer.",
  request: { params: z.object({ job_id: z.string().min(1).max(64) }), query: ignoredExtras },
  responses: { 200: jsonResponse(StartStatusSchema, "The new job"), ...errorResponses(400, 401, 403, 404, 422, 502, 503) },
});

/** The contract's words for a start body of the wrong shape (e.g. the legacy {"features": …} form). */
// `any`: the hook reads only the validation result, whatever the route's input types.
export const tagRequestHook: Hook<any, AppEnv, any, any> = (result) => {
  if (result.success) return;
  const detail = describeZodError(result.error);
  throw result.target === "json" ? new ApiError(400, "INVALID_REQUEST_BODY", `Invalid request body format: ${detail}`) : new ApiError(400, "VALIDATION_ERROR", detail);
};
