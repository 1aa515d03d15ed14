import { BOUNDARY_KINDS } from "../../contract/job";
import { WORKERS_AI_TASKS } from "../../contract/provider-config";
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse, modelParam } from "../shared.schemas";

/** The seed's feature names of the three gateway resources. */
const GATEWAY_FEATURES = [
  "language_detection", "diarization", "timestamps", "formality",
  "labels", "scenes", "faces", "speech_to_text", "ocr", "content_moderation", "sentiment", "topics", "brands", "summary",
] as const;

export const TrackInfoSchema = z.object({ name: z.string(), label: z.string() }).openapi("TrackInfo");
export const ModelSpecSchema = z
  .object({ name: z.string(), description: z.string(), type: z.enum(["frame", "video", "audio", "processor", "text"]), tag_tracks: z.array(TrackInfoSchema) })
  .openapi("ModelSpec");

/** The contract's ModelSpec, and whether this deployment can run the model (Workers AI needs its bindings). */
export const ListedModelSchema = ModelSpecSchema.extend({ available: z.boolean() }).openapi("ListedModel");

const providerName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,99}$/, "provider names are letters, digits and _ . : @ / -").optional();

const WorkersAiProviderSchema = z
  .object({
    kind: z.literal("workers-ai"),
    name: providerName,
    model: z.string().regex(/^@cf\/[\w.-]+\/[\w.-]+$/, "a Workers AI model id: @cf/<author>/<model>"),
    task: z.enum(WORKERS_AI_TASKS).optional().describe("Needed for models the service does not know by id"),
    timeout_s: z.number().positive().max(3600).optional(),
    concurrency: z.number().int().min(1).max(256).optional(),
    cooldown_s: z.number().positive().max(3600).optional(),
  })
  .strict()
  .openapi("WorkersAiProviderConfig");

const HttpProviderSchema = z
  .object({
    kind: z.literal("http"),
    name: providerName,
    url: z.url({ protocol: /^https?$/ }),
    timeout_s: z.number().positive().max(3600).optional(),
    concurrency: z.number().int().min(1).max(256).optional().describe("Parts in flight at this provider, across all jobs"),
    callback_timeout_s: z.number().positive().max(86_400).optional().describe("How long a part the provider accepted (202) waits for its callback"),
    cooldown_s: z.number().positive().max(3600).optional().describe("How long the provider is skipped after repeated failures"),
  })
  .strict()
  .openapi("HttpProviderConfig");

const ProviderConfigSchema = z.discriminatedUnion("kind", [HttpProviderSchema, WorkersAiProviderSchema]).openapi("ProviderConfig");

const BoundarySchema = z
  .enum(BOUNDARY_KINDS)
  .describe(
    "How the model's tags join across part boundaries once a job's parts are tagged: cut (a segment cut only by a part boundary is one, e.g. shots), segment (consecutive tags with the same text become one, e.g. OCR), stretch (equal stretches touching at a boundary merge, e.g. silence), none (default)",
  );

export const ModelDefinitionSchema = z
  .object({
    description: z.string().max(500).default(""),
    type: z.enum(["frame", "video", "audio", "processor", "text"]),
    tag_tracks: z
      .array(z.object({ name: z.string().regex(/^[a-z0-9_]{1,64}$/, "track names are lower-case letters, digits and '_'"), label: z.string().min(1).max(100) }).strict())
      .min(1)
      .optional(),
    provider: ProviderConfigSchema.optional().describe("The model's provider (or give `providers`)"),
    providers: z.array(ProviderConfigSchema).min(1).max(8).optional().describe("Several providers in preference order: a provider that keeps failing is skipped for a cool-down and the next one is used"),
    default_params: z.record(z.string(), z.unknown()).optional(),
    params_schema: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("JSON Schema (2020-12) of model_params; POST /{qid}/tag refuses params that break it"),
    boundary: BoundarySchema.optional(),
    gateway: z
      .array(
        z
          .object({
            resource: z.enum(["transcriptions", "translations", "video-analyses"]),
            features: z.array(z.enum(GATEWAY_FEATURES)).min(1).max(20),
            provider: z.string().min(1).max(200).optional().describe("Only through this provider of the model (its gateway name: its `name`, or `workers-ai`)"),
          })
          .strict(),
      )
      .max(10)
      .optional()
      .describe("What the model offers the AI Gateway, in the seed's feature names (GET /v1/providers)"),
  })
  .strict()
  .refine((d) => (d.provider === undefined) !== (d.providers === undefined), { message: "give exactly one of provider and providers", path: ["provider"] })
  .openapi("ModelDefinition");

export const ModelDetailSchema = ModelSpecSchema.extend({
  available: z.boolean(),
  unavailable_reason: z.string().optional(),
  params_schema: z.record(z.string(), z.unknown()).describe("JSON Schema of model_params ({} when the model declares none)"),
  default_params: z.record(z.string(), z.unknown()),
  provider: z.object({ kind: z.string() }),
  builtin: z.boolean(),
  boundary: BoundarySchema,
}).openapi("ModelDetail");

export const listModels = createRoute({
  method: "get",
  path: "/models",
  tags: ["models"],
  operationId: "listModels",
  description: "The model catalog: built-in models (the reference provider's, Workers AI's) and those system administrators added, each with its type, tracks and whether it can run in this deployment. Public.",
  summary: "List available models",
  security: [],
  responses: { 200: jsonResponse(z.object({ models: z.array(ListedModelSchema) }).openapi("ModelsResponse"), "List of available models") },
});

export const getModel = createRoute({
  method: "get",
  path: "/models/{model}",
  tags: ["models"],
  operationId: "getModel",
  description: "One model: its tracks, params JSON Schema and defaults, how its tags join across parts (`boundary`), and whether it can run here. Public.",
  summary: "One model's spec: tracks, params schema and defaults",
  security: [],
  request: { params: z.object({ model: modelParam }) },
  responses: { 200: jsonResponse(ModelDetailSchema, "The model"), ...errorResponses(400, 404) },
});

export const putModel = createRoute({
  method: "put",
  path: "/models/{model}",
  tags: ["models"],
  operationId: "putModel",
  description: "Adds a model to the catalog or replaces one: its type, tracks, providers in preference order, params schema and defaults, and how its tags join across parts. Provider URLs must be public in production.",
  summary: "Add or replace a catalog entry (system administrators)",
  request: { params: z.object({ model: modelParam }), body: jsonBody(ModelDefinitionSchema) },
  responses: { 200: jsonResponse(ModelSpecSchema, "The stored entry"), ...errorResponses(400, 401, 403) },
});

export const deleteModel = createRoute({
  method: "delete",
  path: "/models/{model}",
  tags: ["models"],
  operationId: "deleteModel",
  description: "Removes a catalog entry that an administrator added; built-in models cannot be removed (400).",
  summary: "Remove a catalog entry added by an administrator",
  request: { params: z.object({ model: modelParam }) },
  responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 403, 404) },
});
