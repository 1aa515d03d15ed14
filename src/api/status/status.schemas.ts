import { z } from "@hono/zod-openapi";
import { JOB_STATUSES, STATUS_REASONS } from "../../jobs/status";

const TagArgsSchema = z
  .object({
    feature: z.string().optional(),
    run_config: z.record(z.string(), z.unknown()).optional(),
    scope: z.record(z.string(), z.unknown()).optional(),
    replace: z.boolean().optional(),
    destination_qid: z.string().optional(),
    max_fetch_retries: z.number().int().optional(),
  })
  .openapi("TagArgs");

export const JobStatusSchema = z
  .object({
    qid: z.string(),
    job_id: z.string(),
    status: z.enum(JOB_STATUSES),
    model: z.string(),
    stream: z.string(),
    created_at: z.string(),
    params: TagArgsSchema,
    tenant: z.string(),
    user: z.string(),
    title: z.string(),
    error: z.string().nullable(),
    status_reason: z.enum(STATUS_REASONS).describe("Why the job is in its status (a machine code; added to the contract's fields)"),
    status_changed: z.string().describe("When it got there (ISO time)"),
    progress: z.number(),
    tagging_progress: z.string(),
    tag_details: z
      .object({
        tag_status: z.string(),
        time_running: z.number(),
        progress: z.number(),
        tagging_progress: z.string(),
        total_parts: z.number().int(),
        downloaded_parts: z.number().int(),
        tagged_parts: z.number().int(),
        warnings: z.object({ num_warnings: z.number().int(), last_warning: z.string() }).openapi("TagWarnings").nullable(),
      })
      .openapi("TagDetails")
      .nullable(),
  })
  .openapi("JobStatus");

export const ContentStatusResponseSchema = z
  .object({ models: z.array(z.object({ model: z.string(), track: z.string(), last_run: z.string(), percent_completion: z.number() })) })
  .openapi("ContentStatusResponse");

export const ModelStatusResponseSchema = z
  .object({
    summary: z.object({ model: z.string(), track: z.string(), last_run: z.string(), tagging_progress: z.number(), num_content_parts: z.number().int() }),
    jobs: z.array(
      z.object({
        time_ran: z.string(),
        source_qid: z.string(),
        params: TagArgsSchema,
        job_status: z.object({ status: z.string(), time_ran: z.string() }),
        upload_status: z.object({ num_job_parts: z.number().int(), num_tagged_parts: z.number().int() }).nullable(),
      }),
    ),
  })
  .openapi("ModelStatusResponse");
