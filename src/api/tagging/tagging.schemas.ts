import { z } from "@hono/zod-openapi";
import { MAX_JOBS_PER_REQUEST, MAX_MODEL_PARAMS_BYTES } from "../../limits";

const scopeField = z.record(z.string(), z.unknown()).describe("One of ScopeVideo, ScopeProcessor, ScopeAssets, ScopeLivestream; merged over the model's default scope");

export const TaggerOptionsSchema = z
  .object({
    destination_qid: z.string().max(128).optional(),
    replace: z.boolean().optional(),
    max_fetch_retries: z.number().int().min(0).max(20).optional(),
    scope: scopeField.optional(),
  })
  .strict()
  .openapi("TaggerOptions");

export const JobSpecSchema = z
  .object({
    model: z.string().min(1).max(64),
    model_params: z
      .record(z.string(), z.unknown())
      .refine((p) => JSON.stringify(p).length <= MAX_MODEL_PARAMS_BYTES, `must be at most ${MAX_MODEL_PARAMS_BYTES} bytes as JSON`)
      .optional(),
    overrides: TaggerOptionsSchema.optional(),
  })
  .strict()
  .openapi("JobSpec");

export const StartJobsRequestSchema = z
  .object({ options: TaggerOptionsSchema.optional(), jobs: z.array(JobSpecSchema).max(MAX_JOBS_PER_REQUEST) })
  .strict()
  .openapi("StartJobsRequest");

export const StartStatusSchema = z
  .object({
    job_id: z.string(),
    model: z.string(),
    stream: z.string(),
    started: z.boolean(),
    message: z.string(),
    error: z.string().nullable(),
    running_job_id: z.string().optional().describe("When the pair already has an active job (started: false): that job's id"),
  })
  .openapi("StartStatus");

export const StopTaggingResponseSchema = z
  .object({ jobs: z.array(z.object({ job_id: z.string(), message: z.string() }).openapi("StopStatus")), message: z.string() })
  .openapi("StopTaggingResponse");
