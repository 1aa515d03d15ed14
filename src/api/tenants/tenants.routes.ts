import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse } from "../shared.schemas";

export const tenantId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "must be a tenant id (letters, digits, '_', '-')")
  .openapi({ param: { name: "tenant_id", in: "path" }, example: "acme" });
const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address")
  .transform((a) => a.toLowerCase())
  .openapi({ param: { name: "address", in: "path" } });

const TenantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    fabric_url: z.string().nullable().openapi({ description: "The content fabric this tenant's iq__/hq__/tqw__ contents are read from (null: the deployment's FABRIC_URL)" }),
    fabric_credential: z
      .object({ set: z.boolean(), updated_at: z.string().nullable() })
      .openapi({ description: "Whether the tenant's fabric credential is set, and when; the credential itself is never returned" }),
  })
  .openapi("Tenant");
const MemberSchema = z.object({ address: z.string(), role: z.enum(["member", "admin"]) }).openapi("Member");

export const putTenant = createRoute({
  method: "put",
  path: "/tenants/{tenant_id}",
  tags: ["tenants"],
  operationId: "putTenant",
  description:
    "Creates a tenant or renames one. `fabric_url` sets the content fabric its content-fabric ids are read from (null: back to the deployment's FABRIC_URL; omitted: unchanged); it obeys the outbound-address rule.",
  summary: "Create or rename a tenant (system administrators)",
  request: {
    params: z.object({ tenant_id: tenantId }),
    body: jsonBody(z.object({ name: z.string().min(1).max(200), fabric_url: z.string().max(2000).nullable().optional() }).strict()),
  },
  responses: { 200: jsonResponse(TenantSchema, "Updated"), 201: jsonResponse(TenantSchema, "Created"), ...errorResponses(400, 401, 403) },
});

export const putMember = createRoute({
  method: "put",
  path: "/tenants/{tenant_id}/members/{address}",
  tags: ["tenants"],
  operationId: "putMember",
  description: "Adds a member (by wallet address) to the tenant, or changes their role (member or admin).",
  summary: "Add a member or change their role (system or tenant administrators)",
  request: { params: z.object({ tenant_id: tenantId, address }), body: jsonBody(z.object({ role: z.enum(["member", "admin"]) }).strict()) },
  responses: { 200: jsonResponse(MemberSchema, "The membership"), ...errorResponses(400, 401, 403, 404) },
});

export const deleteMember = createRoute({
  method: "delete",
  path: "/tenants/{tenant_id}/members/{address}",
  tags: ["tenants"],
  operationId: "deleteMember",
  description: "Removes a member from the tenant; their tokens no longer reach its contents.",
  summary: "Remove a member (system or tenant administrators)",
  request: { params: z.object({ tenant_id: tenantId, address }) },
  responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 403, 404) },
});

export const listMembers = createRoute({
  method: "get",
  path: "/tenants/{tenant_id}/members",
  tags: ["tenants"],
  operationId: "listMembers",
  description: "The tenant's members and their roles.",
  summary: "List a tenant's members (its members and system administrators)",
  request: { params: z.object({ tenant_id: tenantId }) },
  responses: { 200: jsonResponse(z.object({ tenant: TenantSchema, members: z.array(MemberSchema) }), "Members"), ...errorResponses(401, 403, 404) },
});

export const putFabricCredential = createRoute({
  method: "put",
  path: "/tenants/{tenant_id}/fabric-credential",
  tags: ["tenants"],
  operationId: "putFabricCredential",
  description:
    "Sets the token with which this service reads the tenant's content-fabric contents in the background (listing parts, media, live segments), so that no user's token is ever kept. Stored sealed with the deployment's CREDENTIALS_KEY and never returned by any endpoint.",
  summary: "Set the tenant's fabric credential (system or tenant administrators)",
  request: { params: z.object({ tenant_id: tenantId }), body: jsonBody(z.object({ token: z.string().min(1).max(8192) }).strict()) },
  responses: { 200: jsonResponse(TenantSchema, "The tenant, with `fabric_credential.set`"), ...errorResponses(400, 401, 403, 404, 503) },
});

export const deleteFabricCredential = createRoute({
  method: "delete",
  path: "/tenants/{tenant_id}/fabric-credential",
  tags: ["tenants"],
  operationId: "deleteFabricCredential",
  description: "Removes the tenant's fabric credential: jobs on its fabric contents can no longer read media.",
  summary: "Remove the tenant's fabric credential (system or tenant administrators)",
  request: { params: z.object({ tenant_id: tenantId }) },
  responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 403, 404) },
});
