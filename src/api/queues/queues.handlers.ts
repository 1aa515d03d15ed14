import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { principalOf } from "../../auth/middleware";
import { isSystem, type Principal, requireTenantAdmin } from "../../auth/principal";
import { QUEUE_WINDOW_MINUTES } from "../../contract/provider-slots";
import { db } from "../../db/client";
import { backlogByModel } from "../../db/jobs";
import { forbidden } from "../../errors";
import { queueFigures } from "../../jobs/queue-figures";
import { providerState } from "../../pipeline/provider-chain";
import { listModels } from "../../providers/catalog";
import { providerId, providersOf, publicProviderId } from "../../providers/identity";
import type { ProviderConfig } from "../../contract/provider-config";
import type { listQueues as ListRoute } from "./queues.routes";

/** The tenants whose load the caller may see: the one asked for, else all they administer (null: every tenant). */
function scope(p: Principal, tenant: string | undefined): string[] | null {
  if (tenant) {
    requireTenantAdmin(p, tenant);
    return [tenant];
  }
  if (isSystem(p)) return null;
  const administered = [...p.roles.entries()].filter(([, role]) => role === "admin").map(([t]) => t);
  if (administered.length === 0) throw forbidden("Queue figures are for tenant administrators: you administer no tenant");
  return administered.sort();
}

export const listQueuesHandler: RouteHandler<typeof ListRoute, AppEnv> = async (c) => {
  const p = await principalOf(c);
  const tenants = scope(p, c.req.valid("query").tenant);
  const d = db(c.env);
  const [catalog, backlog] = await Promise.all([listModels(c.env, d), backlogByModel(d, tenants)]);
  const configs = new Map<string, ProviderConfig>();
  const routes = catalog.map((m) => ({
    model: m.name,
    providers: providersOf(m).map((config) => {
      const id = providerId(config);
      configs.set(id, config);
      return id;
    }),
  }));
  // One small RPC per provider, as GET /providers makes; a catalog has a handful of them.
  const loads = new Map(await Promise.all([...configs.keys()].map(async (id) => [id, await providerState(c.env, id).queueLoad(tenants)] as const)));
  const { models, providers } = queueFigures(routes, backlog, loads);
  // Provider ids as GET /providers shows them: an unnamed provider's URL only to system administrators.
  const shown = new Map<string, string>();
  for (const [id, config] of configs) shown.set(id, isSystem(p) ? id : await publicProviderId(config));
  const show = (id: string) => shown.get(id) ?? id;
  return c.json(
    {
      window_minutes: QUEUE_WINDOW_MINUTES,
      tenants,
      models: models.map((m) => ({ ...m, providers: m.providers.map(show) })),
      providers: providers.map((pr) => ({ ...pr, id: show(pr.id) })).sort((a, b) => a.id.localeCompare(b.id)),
    },
    200,
  );
};
