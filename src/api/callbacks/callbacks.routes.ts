import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse } from "../shared.schemas";
import { providerTagsSchema } from "../../providers/http";

export const CallbackBodySchema = z
  .union([
    z.object({ tags: providerTagsSchema }).strict(),
    z.object({ error: z.string().min(1).max(2000), transient: z.boolean().default(false) }).strict(),
  ])
  .openapi("ProviderCallback");

export const postCallback = createRoute({
  method: "post",
  path: "/callbacks/{token}",
  tags: ["providers"],
  operationId: "postCallback",
  summary: "A provider posts a part's deferred result (the signed callback_url of its request)",
  description:
    'For providers that answered `202 {"accepted": true}`. The URL is its own credential: single use, bound to the job, part and attempt, expiring. `{"tags": [...]}` as a synchronous reply would carry, or `{"error", "transient"?}`.',
  security: [],
  request: { params: z.object({ token: z.string().min(1).max(2000) }), body: jsonBody(CallbackBodySchema) },
  responses: {
    200: jsonResponse(z.object({ accepted: z.literal(true), tags: z.number().int() }), "The result is stored"),
    ...errorResponses(400, 401, 409, 413),
  },
});
