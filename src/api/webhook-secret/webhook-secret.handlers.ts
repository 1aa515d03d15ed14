import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { principalOf } from "../../auth/middleware";
import { chooseTenant, requireTenantAdmin } from "../../auth/principal";
import { rotateWebhookSecret as rotate, tenantWebhookSecret, type TenantWebhookSecret } from "../../gateway/webhooks/secrets";
import { isoTime } from "../../jobs/time";
import type { getWebhookSecret as GetRoute, rotateWebhookSecret as RotateRoute } from "./webhook-secret.routes";

const view = (tenant: string, s: TenantWebhookSecret) => ({
  data: {
    id: tenant,
    type: "webhook-secret" as const,
    attributes: { secret: s.secret, created_at: isoTime(s.created_at), ...(s.previous ? { previous_expires_at: isoTime(s.previous.expires_at) } : {}) },
  },
});

export const getWebhookSecretHandler: RouteHandler<typeof GetRoute, AppEnv> = async (c) => {
  const p = await principalOf(c);
  const tenant = chooseTenant(p, c.req.valid("header")["x-tenant-id"], "X-Tenant-Id");
  requireTenantAdmin(p, tenant);
  c.header("Cache-Control", "no-store");
  return c.json(view(tenant, await tenantWebhookSecret(c.env, tenant)), 200);
};

export const rotateWebhookSecretHandler: RouteHandler<typeof RotateRoute, AppEnv> = async (c) => {
  const p = await principalOf(c);
  const tenant = chooseTenant(p, c.req.valid("header")["x-tenant-id"], "X-Tenant-Id");
  requireTenantAdmin(p, tenant);
  c.header("Cache-Control", "no-store");
  return c.json(view(tenant, await rotate(c.env, tenant)), 200);
};
