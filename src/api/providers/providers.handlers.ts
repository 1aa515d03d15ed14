import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { isSystem } from "../../auth/principal";
import { db } from "../../db/client";
import { isoTime } from "../../jobs/time";
import { providerState } from "../../pipeline/provider-chain";
import { listModels } from "../../providers/catalog";
import { providerId, providersOf, publicProviderId } from "../../providers/identity";
import { workersAiUnavailable } from "../../providers/workers-ai/run";
import type { ProviderConfig } from "../../contract/provider-config";
import { DEFAULT_CONCURRENCY } from "../../providers/types";
import type { listProviders as ListRoute } from "./providers.routes";

const iso = (ms: number | null) => (ms === null ? null : isoTime(ms));

/** Error texts name the URL they failed on: only system admins see it. */
const redact = (text: string | null, config: ProviderConfig) =>
  text === null || config.kind !== "http" ? text : text.split(config.url.replace(/\/+$/, "")).join("<provider>");

export const listProvidersHandler: RouteHandler<typeof ListRoute, AppEnv> = async (c) => {
  const admin = isSystem(c.get("identity"));
  const byId = new Map<string, { config: ProviderConfig; models: string[]; unavailable: string | null }>();
  for (const model of await listModels(c.env, db(c.env))) {
    for (const p of providersOf(model)) {
      const id = providerId(p);
      const entry = byId.get(id) ?? { config: p, models: [], unavailable: null };
      entry.models.push(model.name);
      // A Workers AI provider cannot run without its bindings: it is unavailable, not "ok".
      if (p.kind === "workers-ai") entry.unavailable ??= workersAiUnavailable(c.env, p, model.type);
      byId.set(id, entry);
    }
  }
  // One small RPC per provider; a catalog has a handful of them.
  const providers = await Promise.all(
    [...byId.entries()].map(async ([id, { config, models, unavailable }]) => {
      const h = await providerState(c.env, id).health();
      return {
        id: admin ? id : await publicProviderId(config),
        kind: config.kind,
        ...(admin ? { url: config.kind === "http" ? config.url : config.model } : {}),
        concurrency: config.concurrency ?? DEFAULT_CONCURRENCY,
        models: models.sort(),
        ...(unavailable ? { unavailable_reason: unavailable } : {}),
        health: {
          ...h,
          status: unavailable ? ("unavailable" as const) : h.status,
          last_error: admin ? h.last_error : redact(h.last_error, config),
          last_success_at: iso(h.last_success_at),
          last_error_at: iso(h.last_error_at),
          retry_at: iso(h.retry_at),
        },
      };
    }),
  );
  providers.sort((a, b) => a.id.localeCompare(b.id));
  return c.json({ providers }, 200);
};
