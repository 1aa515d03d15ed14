import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonResponse } from "../shared.schemas";

const tenantHeader = z.object({
  "x-tenant-id": z.string().min(1).max(64).optional().openapi({ description: "The tenant, when the caller is in several" }),
});

export const WebhookSecretSchema = z
  .object({
    data: z.object({
      id: z.string().openapi({ description: "The tenant" }),
      type: z.literal("webhook-secret"),
      attributes: z.object({
        secret: z.string().openapi({ description: "`whsec_…`: verify `webhook-signature` with it (Standard Webhooks)" }),
        created_at: z.string(),
        previous_expires_at: z.string().optional().openapi({ description: "Until then the previous secret also signs every delivery" }),
      }),
    }),
  })
  .openapi("WebhookSecret");

export const getWebhookSecret = createRoute({
  method: "get",
  path: "/v1/webhook-secret",
  tags: ["ai-gateway"],
  operationId: "getWebhookSecret",
  summary: "The tenant's webhook signing secret",
  description: "Tenant admins only. Made on first use; every webhook delivery of the tenant's jobs is signed with it.",
  request: { headers: tenantHeader },
  responses: { 200: jsonResponse(WebhookSecretSchema, "The secret"), ...errorResponses(400, 401, 403) },
});

export const rotateWebhookSecret = createRoute({
  method: "post",
  path: "/v1/webhook-secret/rotate",
  tags: ["ai-gateway"],
  operationId: "rotateWebhookSecret",
  summary: "Rotate the tenant's webhook signing secret",
  description: "Tenant admins only. A new secret signs from now on; the previous one signs beside it (a second `v1,` signature) for 24 hours.",
  request: { headers: tenantHeader },
  responses: { 200: jsonResponse(WebhookSecretSchema, "The new secret"), ...errorResponses(400, 401, 403) },
});
