import { createRoute, z } from "@hono/zod-openapi";
import { authQuery, errorResponses, jsonResponse } from "../shared.schemas";

const figures = {
  pending: z.number().int().describe("Parts of active jobs not tagged, not given up and not at a provider now (in the queue, being fetched, or in line for a slot)"),
  in_flight: z.number().int().describe("Parts at a provider now"),
  waiting: z.number().int().describe("Of the pending parts, those in line at a busy provider now"),
  avg_wait_ms: z.number().int().describe("Mean time from a part being sent to run to its provider slot, over the window (0 when none started)"),
  oldest_wait_ms: z.number().int().describe("The longest such wait in the window, or of a part still in line"),
  throughput_per_min: z.number().describe("Provider calls answered per minute over the window"),
  error_rate: z.number().describe("Failed calls ÷ ended calls over the window; a part's own permanent failure (a 4xx) is not counted against the provider"),
  completed: z.number().int().describe("Calls that ended in the window"),
  errors: z.number().int().describe("Of those, the failed ones"),
};

const ModelQueueSchema = z
  .object({
    model: z.string(),
    providers: z.array(z.string()).describe("The model's providers, first choice first"),
    active_jobs: z.number().int(),
    ...figures,
  })
  .openapi("ModelQueue");

const ProviderQueueSchema = z
  .object({
    id: z.string(),
    models: z.array(z.string()),
    ...figures,
  })
  .describe("`pending`: the pending parts of the models that ask this provider first")
  .openapi("ProviderQueue");

export const listQueues = createRoute({
  method: "get",
  path: "/queues",
  tags: ["providers"],
  operationId: "listQueues",
  summary: "How much work waits, per model and per provider, and for how long",
  description:
    "Per model and per provider: parts pending and in flight now, and over the last `window_minutes` the average and longest wait for a provider slot, throughput and error rate. A tenant administrator sees the load of the tenants they administer (`tenant` narrows it to one); a system administrator sees every tenant's.",
  request: {
    query: z
      .object({
        authorization: authQuery,
        tenant: z.string().min(1).max(64).optional().openapi({ description: "Only this tenant's load (one the caller administers)" }),
      })
      .strict(),
  },
  responses: {
    200: jsonResponse(
      z.object({
        window_minutes: z.number().int(),
        tenants: z.array(z.string()).nullable().describe("Whose load is counted; null: every tenant's"),
        models: z.array(ModelQueueSchema),
        providers: z.array(ProviderQueueSchema),
      }),
      "Queue and wait figures",
    ),
    ...errorResponses(400, 401, 403),
  },
});
