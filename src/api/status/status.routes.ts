import { createRoute, z } from "@hono/zod-openapi";
import { STATUS_FILTER_VALUES } from "../../jobs/status";
import { LOG_LEVELS } from "../../contract/job-events";
import { JOB_SORTS } from "../../db/jobs";
import { MAX_OFFSET } from "../../limits";
import { authQuery, errorResponses, jsonResponse, modelParam, offsetQuery, PaginationMetaSchema, qidParam } from "../shared.schemas";
import { ContentStatusResponseSchema, JobStatusSchema, ModelStatusResponseSchema } from "./status.schemas";

export const StatusResponseSchema = z.object({ jobs: z.array(JobStatusSchema), meta: PaginationMetaSchema }).openapi("StatusResponse");
const limitQuery = z
  .string()
  .regex(/^(\d{1,16}|null)$/, "must be a non-negative integer or null")
  .transform((v) => (v === "null" ? null : Number(v)))
  .refine((n) => n === null || n <= MAX_OFFSET, `must be at most ${MAX_OFFSET}`)
  .optional();

/** The filters and paging both job-status routes take. */
const jobFilters = {
  authorization: authQuery,
  status: z.enum(STATUS_FILTER_VALUES).optional(),
  user: z.string().max(64).optional(),
  model: z.string().max(64).optional(),
  title: z.string().max(200).optional(),
  start: offsetQuery,
  limit: limitQuery,
  sort: z.enum(JOB_SORTS).optional().describe("Order of the list: a field, `-` first for descending (default -created_at, newest first)"),
};

export const jobStatus = createRoute({
  method: "get",
  path: "/job-status",
  tags: ["status"],
  operationId: "jobStatus",
  description: "Jobs the caller may see, newest first, filtered by content, status, user, model or title, a page at a time (`start`, `limit`; `limit=0` counts). The Tagger API's job-status. A page whose jobs did not change since it was last read is answered from memory (every change to a job is seen by the next request); `Cache-Control: no-cache` reads it from the database all the same.",
  summary: "Query job statuses",
  request: {
    query: z.object({ ...jobFilters, qid: z.string().max(128).optional(), tenant: z.string().max(64).optional() }).strict(),
  },
  responses: { 200: jsonResponse(StatusResponseSchema, "Success"), ...errorResponses(400, 401, 403) },
});

export const contentJobStatus = createRoute({
  method: "get",
  path: "/{qid}/job-status",
  tags: ["status"],
  operationId: "contentJobStatus",
  description: "The jobs of one content, newest first, with the same filters, paging and `Cache-Control: no-cache` as /job-status.",
  summary: "Query job statuses for a single content",
  request: {
    params: z.object({ qid: qidParam }),
    query: z.object(jobFilters).strict(),
  },
  responses: { 200: jsonResponse(StatusResponseSchema, "Success"), ...errorResponses(400, 401, 404) },
});

export const tagStatus = createRoute({
  method: "get",
  path: "/{qid}/tag-status",
  tags: ["status"],
  operationId: "tagStatus",
  description: "For each model that tagged the content: the last job's status and the share of the content its reports cover.",
  summary: "Get tagging history across models",
  request: { params: z.object({ qid: qidParam }), query: z.object({ authorization: authQuery }).loose() },
  responses: { 200: jsonResponse(ContentStatusResponseSchema, "Tagging status summary for every model that has been run on the content"), ...errorResponses(400, 401, 403, 404) },
});

export const modelTagStatus = createRoute({
  method: "get",
  path: "/{qid}/tag-status/{model}",
  tags: ["status"],
  operationId: "modelTagStatus",
  description: "The reports of every job of the model on the content: which parts each run downloaded, tagged and uploaded, and how it ended.",
  summary: "Get detailed job history for a model",
  request: { params: z.object({ qid: qidParam, model: modelParam }), query: z.object({ authorization: authQuery }).loose() },
  responses: { 200: jsonResponse(ModelStatusResponseSchema, "Detailed model tagging status including job history"), ...errorResponses(400, 401, 403, 404) },
});

export const deleteJob = createRoute({
  method: "delete",
  path: "/jobs/{job_id}",
  tags: ["status"],
  operationId: "deleteJob",
  description: "Deletes an ended job (succeeded, failed or cancelled): it leaves /job-status, its tags leave /tags, tracks and exports, and its parts count as untagged again. The job's owner, a tenant administrator (with ?tenant=) or a system administrator.",
  summary: "Delete a job",
  request: {
    params: z.object({ job_id: z.string().min(1).max(64).openapi({ param: { name: "job_id", in: "path" } }) }),
    query: z.object({ authorization: authQuery, tenant: z.string().max(64).optional() }).loose(),
  },
  responses: { 204: { description: "Job deleted successfully" }, ...errorResponses(400, 401, 403, 404) },
});

const JobEventSchema = z
  .object({
    seq: z.number().int(),
    timestamp: z.string().describe("ISO time"),
    level: z.enum(LOG_LEVELS),
    message: z.string(),
    part: z.string().optional(),
    attempt: z.number().int().optional(),
    provider: z.string().optional(),
  })
  .openapi("JobEvent");

export const jobEvents = createRoute({
  method: "get",
  path: "/jobs/{job_id}/events",
  tags: ["status"],
  operationId: "jobEvents",
  summary: "A job's event log",
  description:
    "What happened to the job, in order: queued, planned, each part's outcome with its provider and timings, retries and their reasons, stop, end. `level` keeps that level and above. At most the last 1000 events of a job are kept. Your own jobs, or any job of a tenant you administer.",
  request: {
    params: z.object({ job_id: z.string().min(1).max(64) }),
    query: z.object({ authorization: authQuery, level: z.enum(LOG_LEVELS).default("debug"), start: offsetQuery, limit: offsetQuery }).strict(),
  },
  responses: { 200: jsonResponse(z.object({ events: z.array(JobEventSchema), meta: PaginationMetaSchema }).openapi("JobEvents"), "The events"), ...errorResponses(400, 401, 403, 404) },
});
