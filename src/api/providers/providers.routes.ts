import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonResponse } from "../shared.schemas";

const ProviderHealthSchema = z
  .object({
    status: z
      .enum(["ok", "degraded", "down", "unavailable"])
      .describe("down: skipped after repeated failures until a trial call succeeds; degraded: more than 20% of calls failed; unavailable: cannot run in this deployment (see unavailable_reason)"),
    in_flight: z.number().int().describe("Parts at the provider now, across all jobs"),
    last_success_at: z.string().nullable(),
    last_error_at: z.string().nullable(),
    last_error: z.string().nullable(),
    calls: z.number().int(),
    errors: z.number().int(),
    error_rate: z.number().describe("errors / calls over the window"),
    window_minutes: z.number().int(),
    consecutive_failures: z.number().int(),
    retry_at: z.string().nullable().describe("While down: when the next trial call is allowed"),
  })
  .openapi("ProviderHealth");

const ProviderSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    url: z.string().optional().describe("System administrators only"),
    concurrency: z.number().int().describe("Parts in flight at this provider, across all jobs"),
    models: z.array(z.string()),
    unavailable_reason: z.string().optional().describe("Why the provider cannot run here (a Workers AI provider without its bindings)"),
    health: ProviderHealthSchema,
  })
  .openapi("Provider");

export const listProviders = createRoute({
  method: "get",
  path: "/providers",
  tags: ["providers"],
  operationId: "listProviders",
  description: "Each provider of the catalog with the models it serves, its concurrency (shared by every job), what is in flight now and its health: calls and errors over the last minutes, and whether its circuit is open. URLs only for system administrators.",
  summary: "Every provider of the catalog: the models it serves, its health and its load",
  responses: { 200: jsonResponse(z.object({ providers: z.array(ProviderSchema) }), "Providers"), ...errorResponses(401) },
});
