import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { newApiKey } from "../../auth/api-key";
import { principalOf } from "../../auth/middleware";
import { requireTenantAdmin } from "../../auth/principal";
import { bytesToBase64 } from "../../auth/token";
import { insertApiKey, listApiKeys, revokeApiKey } from "../../db/api-keys";
import { db } from "../../db/client";
import type { ApiKeyRow } from "../../db/schema";
import { getTenant } from "../../db/tenants";
import { notFound } from "../../errors";
import { isoTime } from "../../jobs/time";
import type { createApiKey as CreateRoute, listApiKeys as ListRoute, revokeApiKey as RevokeRoute } from "./api-keys.routes";

const view = (k: ApiKeyRow) => ({ id: k.id, tenant: k.tenant_id, name: k.name, role: k.role, created_by: k.created_by, created_at: isoTime(k.created_at) });

export const createApiKeyHandler: RouteHandler<typeof CreateRoute, AppEnv> = async (c) => {
  const { tenant_id } = c.req.valid("param");
  const p = await principalOf(c);
  requireTenantAdmin(p, tenant_id);
  if (!(await getTenant(db(c.env), tenant_id))) throw notFound(`Tenant ${tenant_id} not found`);
  const { name, role } = c.req.valid("json");
  const key = newApiKey();
  const row: ApiKeyRow = { id: key.id, tenant_id, name, role, secret_hash: key.secret_hash, created_by: p.address, created_at: Date.now(), revoked_at: null };
  await insertApiKey(db(c.env), row);
  const basic = `Basic ${bytesToBase64(new TextEncoder().encode(`${key.id}:${key.secret}`))}`;
  return c.json({ ...view(row), secret: key.secret, basic }, 201);
};

export const listApiKeysHandler: RouteHandler<typeof ListRoute, AppEnv> = async (c) => {
  const { tenant_id } = c.req.valid("param");
  requireTenantAdmin(await principalOf(c), tenant_id);
  return c.json({ api_keys: (await listApiKeys(db(c.env), tenant_id)).map(view) }, 200);
};

export const revokeApiKeyHandler: RouteHandler<typeof RevokeRoute, AppEnv> = async (c) => {
  const { tenant_id, key_id } = c.req.valid("param");
  requireTenantAdmin(await principalOf(c), tenant_id);
  if (!(await revokeApiKey(db(c.env), tenant_id, key_id))) throw notFound(`Tenant ${tenant_id} has no active API key ${key_id}`);
  return c.body(null, 204);
};
