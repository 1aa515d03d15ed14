import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse } from "../shared.schemas";
import { tenantId } from "../tenants/tenants.routes";

const keyId = z
  .string()
  .regex(/^ak_[0-9a-f]{16}$/, "must be an API key id (ak_ and 16 hex digits)")
  .openapi({ param: { name: "key_id", in: "path" }, example: "ak_0123456789abcdef" });

const ApiKeySchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    name: z.string(),
    role: z.enum(["member", "admin"]),
    created_by: z.string(),
    created_at: z.string().describe("ISO 8601"),
  })
  .openapi("ApiKey");

const NewApiKeySchema = ApiKeySchema.extend({
  secret: z.string().describe("Shown once; only its hash is kept"),
  basic: z.string().describe("The Authorization header value: Basic base64(id:secret)"),
}).openapi("NewApiKey");

export const createApiKey = createRoute({
  method: "post",
  path: "/tenants/{tenant_id}/api-keys",
  tags: ["tenants"],
  operationId: "createApiKey",
  description: "Creates a key for machine clients of the tenant. The answer holds the secret once (`secret`, and `basic` ready for an Authorization header); only its hash is stored. Keys carry a role (member or admin) in their tenant.",
  summary: "Create an API key for the tenant (tenant or system administrators); use it as Basic id:secret",
  request: {
    params: z.object({ tenant_id: tenantId }),
    body: jsonBody(z.object({ name: z.string().min(1).max(200), role: z.enum(["member", "admin"]).default("member") }).strict()),
  },
  responses: { 201: jsonResponse(NewApiKeySchema, "The key, with its secret"), ...errorResponses(400, 401, 403, 404) },
});

export const listApiKeys = createRoute({
  method: "get",
  path: "/tenants/{tenant_id}/api-keys",
  tags: ["tenants"],
  operationId: "listApiKeys",
  description: "The tenant's keys that are not revoked: id, name, role, who made them and when. Secrets are never shown again.",
  summary: "List the tenant's active API keys, without secrets (tenant or system administrators)",
  request: { params: z.object({ tenant_id: tenantId }) },
  responses: { 200: jsonResponse(z.object({ api_keys: z.array(ApiKeySchema) }), "Keys"), ...errorResponses(401, 403, 404) },
});

export const revokeApiKey = createRoute({
  method: "delete",
  path: "/tenants/{tenant_id}/api-keys/{key_id}",
  tags: ["tenants"],
  operationId: "revokeApiKey",
  description: "The key stops working at once, for every request that follows.",
  summary: "Revoke an API key at once (tenant or system administrators)",
  request: { params: z.object({ tenant_id: tenantId, key_id: keyId }) },
  responses: { 204: { description: "Revoked" }, ...errorResponses(400, 401, 403, 404) },
});
