import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { principalOf } from "../../auth/middleware";
import { requireMember, requireSystem, requireTenantAdmin } from "../../auth/principal";
import { db } from "../../db/client";
import { deleteMember, getTenant, listMembers, upsertMember, upsertTenant } from "../../db/tenants";
import { notFound } from "../../errors";
import type { deleteMember as DeleteRoute, listMembers as ListRoute, putMember as PutMemberRoute, putTenant as PutTenantRoute } from "./tenants.routes";

export const putTenantHandler: RouteHandler<typeof PutTenantRoute, AppEnv> = async (c) => {
  requireSystem(c.get("identity"));
  const { tenant_id } = c.req.valid("param");
  const { name } = c.req.valid("json");
  const { created } = await upsertTenant(db(c.env), tenant_id, name);
  return c.json({ id: tenant_id, name }, created ? 201 : 200);
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
  return c.json({ tenant: { id: tenant.id, name: tenant.name }, members: members.map((m) => ({ address: m.address, role: m.role })) }, 200);
};
