import { PRIORITIES } from "../../contract/priority";
import { z } from "@hono/zod-openapi";
import { MAX_JOBS_PER_REQUEST, MAX_MODEL_PARAMS_BYTES } from "../../limits";

const seconds = (what: string) => z.number().min(0).describe(`${what}, in seconds of content time`);

/** The four scopes, for the document; every field may be left out (defaults fill it). */
export const ScopeVariantSchemas = {
  ScopeVideo: z
    .object({ type: z.literal("video").optional(), start_time: seconds("Where to start").optional(), end_time: seconds("Where to end").nullable().optional(), stream: z.string().optional() })
    .strict()
    .describe("Time parts of a stream, each part_duration long (the default for video, audio and frame models)"),
  ScopeProcessor: z
    .object({
      type: z.literal("processor"),
      start_time: seconds("Where to start").optional(),
      end_time: seconds("Where to end").nullable().optional(),
      chunk_size: z.number().positive().optional().describe("Seconds of stream per part"),
      stream: z.string().optional(),
    })
    .strict()
    .describe("Chunks of a stream for processor models"),
  ScopeAssets: z
    .object({ type: z.literal("assets"), assets: z.array(z.string()).nullable().optional().describe("Asset paths; null or absent: every image asset") })
    .strict()
    .describe("The content's image assets (frame models)"),
  ScopeLivestream: z
    .object({
      type: z.literal("livestream"),
      stream: z.string().optional(),
      segment_length: z.number().positive().optional().describe("Seconds of live stream per part"),
      max_duration: z.number().positive().nullable().optional().describe("Stop after this many seconds; null: until the stream ends or the job is stopped"),
    })
    .strict()
    .describe("A live HLS playlist, read as it grows"),
};

// Checked in src/jobs/options.ts, which merges the layers (defaults, options, a job's overrides)
// and names the field at fault; the document shows the four shapes.
const scopeField = z
  .record(z.string(), z.unknown())
  .openapi({
    description: "The part of the content to tag, merged over the model's default scope; `type` may be left out to keep the default's",
    oneOf: Object.keys(ScopeVariantSchemas).map((name) => ({ $ref: `#/components/schemas/${name}` })),
  });

export const TaggerOptionsSchema = z
  .object({
    destination_qid: z.string().max(128).optional(),
    replace: z.boolean().optional(),
    max_fetch_retries: z.number().int().min(0).max(20).optional(),
    scope: scopeField.optional(),
    priority: z.enum(PRIORITIES).optional().openapi({ description: "Addition to the Tagger API: when a provider is busy, parts of `high` jobs get its free slots before `standard` (the default) and `low` ones" }),
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
