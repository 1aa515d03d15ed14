import { z } from "@hono/zod-openapi";

/*
 * The AI Gateway's JSON:API-style bodies (seed 003, docs/gateway.md): `{"data": {type,
 * attributes, meta}}`, strict (an unknown key is a 400 naming it), `meta.client` kept verbatim.
 */

/** A BCP 47 language code, or `auto` for detection. */
export const languageOrAuto = z.string().regex(/^(auto|[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*)$/, "must be a BCP 47 language code or auto");

/** Headers of every create: the tenant (for callers in several) and an optional Idempotency-Key. */
export const createHeaders = z.object({
  "x-tenant-id": z.string().min(1).max(64).optional().openapi({ description: "The tenant the job is for, when the caller is in several" }),
  "idempotency-key": z
    .string()
    .regex(/^[\x20-\x7e]{1,255}$/, "must be 1 to 255 printable ASCII characters")
    .optional()
    .openapi({
      description:
        "Makes retries safe: within 24 h, the same key with the same body answers the first 202 again (with `Idempotent-Replayed: true`) instead of creating a job; with another body, 409 IDEMPOTENCY_KEY_REUSED",
    }),
});

/** `?include=system` on GET: adds the seed's meta.system. */
export const includeQuery = z.object({ include: z.enum(["system"]).optional().openapi({ description: "`system` adds meta.system: the hidden content and the engine jobs behind the job" }) });

/** A job's meta: the client's, verbatim; the system's only when asked for. */
export const jobMeta = z.object({
  client: z.record(z.string(), z.unknown()).optional(),
  system: z.object({ content_id: z.string(), engine_jobs: z.array(z.object({ feature: z.string(), model: z.string(), job_id: z.string() })) }).optional(),
});

export const priority = z.enum(["low", "standard", "high"]).openapi({ description: "`high` work is dispatched first when providers are busy" });

/** Headers this service sets on every delivery, which a client's headers may not replace. */
const RESERVED_HEADERS = ["host", "content-length", "content-type", "transfer-encoding", "connection", "user-agent", "webhook-id", "webhook-timestamp", "webhook-signature"];

export const webhook = z
  .object({
    url: z.string().url().max(4096),
    headers: z
      .record(
        z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/, "must be an HTTP header name").refine((n) => !RESERVED_HEADERS.includes(n.toLowerCase()), "is set by the service on every delivery"),
        z.string().max(1024).regex(/^[^\r\n]*$/, "must not contain line breaks"),
      )
      .refine((h) => Object.keys(h).length <= 20, "at most 20 headers")
      .optional(),
  })
  .strict()
  .openapi({ description: "Where lifecycle events are posted (signed, see the README); header values are stored sealed and shown as `***`; `deliveries` in responses lists the last delivery attempts" });

export const meta = z
  .object({
    client: z.record(z.string(), z.unknown()).optional().openapi({ description: "Returned unchanged in every response and webhook" }),
    system: z.unknown().optional().openapi({ description: "Ignored in requests (the seed's own samples send it)" }),
  })
  .strict();

/**
 * A create request of the seed's envelope: `{data: {type, attributes: {input, options?, webhook?,
 * provider?}, meta?}}`, strict at every level (an unknown key is a 400 naming it); absent
 * `options` take their defaults.
 */
export function createRequestSchema<T extends string, I extends z.ZodType, O extends z.ZodRawShape>(type: T, input: I, options: O, name: string) {
  return z
    .object({
      data: z
        .object({
          type: z.literal(type),
          attributes: z
            // Every option is optional or has a default, so {} is a valid input; the generic
            // shape cannot prove that to the compiler, hence the cast.
            .object({ input, options: z.object(options).strict().prefault({} as never), webhook: webhook.optional(), provider: z.string().min(1).max(100).optional() })
            .strict(),
          meta: meta.optional(),
        })
        .strict(),
    })
    .strict()
    .openapi(name);
}

const jobError = z.object({ code: z.string(), message: z.string() });

const jobWebhook = z.object({
  url: z.string(),
  headers: z.record(z.string(), z.string()).optional(),
  deliveries: z.array(
    z.object({
      id: z.string(),
      event: z.string(),
      sequence: z.number().int(),
      status: z.enum(["pending", "retrying", "delivered", "failed", "superseded"]),
      attempts: z.number().int(),
      last_attempt_at: z.string().optional(),
      next_attempt_at: z.string().optional(),
      last_response_status: z.number().int().optional(),
      last_error: z.string().optional(),
    }),
  ),
});

/** A job resource of the seed's envelope, with the attributes every job type has, its own `extra` ones and its result. */
export function jobSchema<T extends string, R extends z.ZodType, E extends z.ZodRawShape>(type: T, result: R, extra: E, name: string) {
  return z
    .object({
      data: z.object({
        id: z.string().uuid(),
        type: z.literal(type),
        attributes: z.object({
          provider: z.string(),
          status: z.enum(["pending", "processing", "completed", "failed"]),
          progress: z.number().int().min(0).max(100),
          error: jobError.optional(),
          created_at: z.string(),
          processed_at: z.string().optional(),
          completed_at: z.string().optional(),
          input: z.record(z.string(), z.unknown()),
          options: z.record(z.string(), z.unknown()),
          webhook: jobWebhook.optional(),
          ...extra,
          result: result.optional(),
        }),
        meta: jobMeta,
        links: z.object({ self: z.string(), result: z.string() }),
      }),
    })
    .openapi(name);
}

export const TranscriptionCreateSchema = createRequestSchema(
  "transcription-job",
  z
    .object({
      type: z.enum(["video", "audio"]),
      url: z.string().url().max(4096),
      audio_track: z.number().int().min(0).max(63).optional(),
    })
    .strict(),
  {
    language: languageOrAuto.optional().openapi({ description: "Absent: `auto` where the provider detects the language, else en-US" }),
    timestamps: z.boolean().default(true),
    format: z.enum(["srt", "vtt", "json"]).default("json"),
    diarization: z.boolean().default(false),
    priority: priority.default("standard"),
  },
  "TranscriptionCreateRequest",
);

export type TranscriptionCreate = z.infer<typeof TranscriptionCreateSchema>;

const segment = z.object({ start: z.number(), end: z.number(), text: z.string(), confidence: z.number().optional() });

export const TranscriptionResultSchema = z
  .object({
    format: z.enum(["srt", "vtt", "json"]),
    duration: z.number().openapi({ description: "Seconds of media transcribed (to the end of the last segment)" }),
    language: z.string(),
    segments: z.array(segment).optional().openapi({ description: "Present when timestamps was enabled" }),
    text: z.string(),
  })
  .openapi("TranscriptionResult");

export const TranscriptionJobSchema = jobSchema("transcription-job", TranscriptionResultSchema, {}, "TranscriptionJob");
export type TranscriptionJob = z.infer<typeof TranscriptionJobSchema>;

const features = z.object({ features: z.array(z.string()) });

export const ProviderListSchema = z
  .object({
    data: z.array(
      z.object({
        id: z.string(),
        type: z.literal("provider"),
        attributes: z.object({
          name: z.string(),
          resources: z.object({ transcriptions: features.optional(), translations: features.optional(), "video-analyses": features.optional() }),
          available: z.boolean().openapi({ description: "Whether it can run in this deployment (Workers AI needs its bindings)" }),
          health: z.object({
            status: z.enum(["ok", "degraded", "down", "unavailable"]),
            in_flight: z.number().int(),
            concurrency: z.number().int(),
            retry_at: z.string().optional(),
          }),
        }),
      }),
    ),
  })
  .openapi("ProviderList");
