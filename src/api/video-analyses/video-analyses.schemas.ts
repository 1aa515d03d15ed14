import { z } from "@hono/zod-openapi";
import { ANALYSIS_FEATURES } from "../../gateway/video-analysis";
import { createRequestSchema, jobSchema, languageOrAuto, priority } from "../gateway/gateway.schemas";

export const VideoAnalysisCreateSchema = createRequestSchema(
  "video-analysis-job",
  z
    .object({
      url: z.string().url().max(4096),
      features: z.array(z.enum(ANALYSIS_FEATURES)).min(1, "at least one feature must be specified").max(10),
      audio_track: z.number().int().min(0).max(63).optional(),
    })
    .strict(),
  {
    language: languageOrAuto.default("auto"),
    confidence_threshold: z.number().min(0).max(1).default(0.5),
    priority: priority.default("standard"),
  },
  "VideoAnalysisCreateRequest",
);

const instance = z.object({ start: z.number(), end: z.number(), confidence: z.number() });
const named = z.object({ name: z.string(), confidence: z.number(), instances: z.array(instance) });

export const VideoAnalysisResultSchema = z
  .object({
    video_metadata: z.object({
      duration: z.number().optional(),
      width: z.number().optional(),
      height: z.number().optional(),
      frame_rate: z.number().optional(),
      format: z.string(),
      codec: z.string().optional(),
    }),
    labels: z.array(named).optional(),
    scenes: z.array(z.object({ index: z.number().int(), start: z.number(), end: z.number() })).optional(),
    speech_to_text: z.array(z.object({ start: z.number(), end: z.number(), text: z.string(), language: z.string(), confidence: z.number().optional() })).optional(),
    ocr: z.array(z.object({ text: z.string(), confidence: z.number(), language: z.string(), instances: z.array(instance) })).optional(),
    faces: z.array(z.record(z.string(), z.unknown())).optional(),
    content_moderation: z
      .object({
        is_safe: z.boolean().openapi({ description: "No label was seen at or above confidence_threshold" }),
        signals: z.array(z.object({ label: z.string(), confidence: z.number(), instances: z.array(instance) })),
        checked_labels: z.array(z.string()).openapi({ description: "The labels that were looked for: safety is claimed about these only" }),
      })
      .nullable()
      .optional(),
    sentiment: z
      .object({ overall: z.enum(["positive", "neutral", "negative"]), score: z.number(), instances: z.array(z.object({ start: z.number(), end: z.number(), label: z.string(), score: z.number() })) })
      .nullable()
      .optional(),
    topics: z.array(named).optional(),
    brands: z.array(named).optional(),
    summary: z.string().nullable().optional(),
  })
  .openapi("VideoAnalysisResult");

export const VideoAnalysisJobSchema = jobSchema(
  "video-analysis-job",
  VideoAnalysisResultSchema,
  {
    provider: z.string().openapi({ description: "The provider, or `auto` when features run on several (then see feature_providers)" }),
    feature_providers: z.record(z.string(), z.string()),
    warnings: z.array(z.object({ code: z.string(), message: z.string(), feature: z.string().optional() })).optional(),
  },
  "VideoAnalysisJob",
);
export type VideoAnalysisJob = z.infer<typeof VideoAnalysisJobSchema>;
