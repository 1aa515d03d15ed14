import { createRoute, z } from "@hono/zod-openapi";
import { jsonResponse } from "./shared.schemas";

export const healthRoute = createRoute({
  method: "get",
  path: "/health",
  tags: ["service"],
  operationId: "health",
  summary: "Whether this deployment can do work",
  description: "200 when every required setting is there; 503 naming what is missing (no job can start until it is set). Public.",
  security: [],
  responses: {
    200: jsonResponse(z.object({ ok: z.literal(true) }), "Ready"),
    503: jsonResponse(z.object({ ok: z.literal(false), missing: z.array(z.string()), message: z.string() }), "Missing configuration"),
  },
});
