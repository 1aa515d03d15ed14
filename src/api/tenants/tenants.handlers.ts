import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { principalOf } from "../../auth/middleware";
import { requireMember, requireSystem, requireTenantAdmin } from "../../auth/principal";
import { db } from "../../db/client";
import { deleteMember, getTenant, listMembers, setFabricCredential, setFabricUrl, upsertMember, upsertTenant } from "../../db/tenants";
import { seal } from "../../auth/secret-box";
import { isoTime } from "../../jobs/time";
import { checkSourceUrl } from "../../sources/safe-fetch";
import { notFound } from "../../errors";
import type {
  deleteFabricCredential as DeleteCredentialRoute,
  putFabricCredential as PutCredentialRoute,
  deleteMember as DeleteRoute, listMembers as ListRoute, putMember as PutMemberRoute, putTenant as PutTenantRoute } from "./tenants.routes";

/** A tenant as the API shows it: its fabric credential only as whether and when it was set. */
function tenantJson(t: { id: string; name: string; fabric_url: string | null; fabric_credential: string | null; fabric_credential_at: number | null }) {
  return {
    id: t.id,
    name: t.name,
    fabric_url: t.fabric_url,
    fabric_credential: { set: t.fabric_credential !== null, updated_at: t.fabric_credential_at === null ? null : isoTime(t.fabric_credential_at) },
  };
}

export const putTenantHandler: RouteHandler<typeof PutTenantRoute, AppEnv> = async (c) => {
  requireSystem(c.get("identity"));
  const { tenant_id } = c.req.valid("param");
  const { name, fabric_url } = c.req.valid("json");
  if (fabric_url) await checkSourceUrl(fabric_url, c.env, "fabric_url");
  const d = db(c.env);
  const { created } = await upsertTenant(d, tenant_id, name);
  if (fabric_url !== undefined) await setFabricUrl(d, tenant_id, fabric_url ? fabric_url.replace(/\/+$/, "") : null);
  return c.json(tenantJson(await existingTenant(c.env, tenant_id)), created ? 201 : 200);
};

async function existingTenant(env: Env, id: string) {
  const tenant = await getTenant(db(env), id);
  if (!tenant) throw notFound(`Tenant ${id} not found`);
  return tenant;
}

export const putMemberHandler: RouteHandler<typeof PutMemberRoute, AppEnv> = async (c) => {
  const { tenant_id, address } = c.req.valid("param");
  requireTenantAdmin(await principalOf(c), tenant_id);
  await existingTenant(c.env, tenant_id);
  const { role } = c.req.valid("json");
  await upsertMember(db(c.env), tenant_id, address, role);
  return c.json({ address, role }, 200);
};

export const deleteMemberHandler: RouteHandler<typeof DeleteRoute, AppEnv> = async (c) => {
  const { tenant_id, address } = c.req.valid("param");
  requireTenantAdmin(await principalOf(c), tenant_id);
  if (!(await deleteMember(db(c.env), tenant_id, address))) throw notFound(`${address} is not a member of tenant ${tenant_id}`);
  return c.body(null, 204);
};

export const listMembersHandler: RouteHandler<typeof ListRoute, AppEnv> = async (c) => {
  const { tenant_id } = c.req.valid("param");
  requireMember(await principalOf(c), tenant_id, `tenant ${tenant_id}`);
  const tenant = await existingTenant(c.env, tenant_id);
  const members = await listMembers(db(c.env), tenant_id);
  return c.json({ tenant: tenantJson(tenant), members: members.map((m) => ({ address: m.address, role: m.role })) }, 200);
};

export const putFabricCredentialHandler: RouteHandler<typeof PutCredentialRoute, AppEnv> = async (c) => {
  const { tenant_id } = c.req.valid("param");
  requireTenantAdmin(await principalOf(c), tenant_id);
  await existingTenant(c.env, tenant_id);
  await setFabricCredential(db(c.env), tenant_id, await seal(c.env, tenant_id, c.req.valid("json").token));
  return c.json(tenantJson(await existingTenant(c.env, tenant_id)), 200);
};

export const deleteFabricCredentialHandler: RouteHandler<typeof DeleteCredentialRoute, AppEnv> = async (c) => {
  const { tenant_id } = c.req.valid("param");
  requireTenantAdmin(await principalOf(c), tenant_id);
  const tenant = await existingTenant(c.env, tenant_id);
  if (tenant.fabric_credential === null) throw notFound(`Tenant ${tenant_id} has no fabric credential`);
  await setFabricCredential(db(c.env), tenant_id, null);
  return c.body(null, 204);
};
