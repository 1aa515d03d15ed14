import { db } from "../db/client";
import { isoTime } from "../jobs/time";
import { providerState } from "../pipeline/provider-chain";
import { listModels, runnableProviders } from "../providers/catalog";
import { providerId, providersOf } from "../providers/identity";
import { DEFAULT_CONCURRENCY, type GatewayResource } from "../providers/types";
import { displayName, featuresOf, gatewayProviderName } from "./capabilities";
import type { ProviderConfig } from "../contract/provider-config";

const RESOURCES: GatewayResource[] = ["transcriptions", "translations", "video-analyses"];

/**
 * GET /v1/providers: every backend the catalog declares gateway features for, with what it
 * offers in this deployment (a feature counts only where its model can run here) and its
 * health. Workers AI is one backend however many models it runs.
 */
export async function gatewayProviders(env: Env) {
  const byName = new Map<string, { configs: Map<string, ProviderConfig>; resources: Map<GatewayResource, Set<string>>; available: boolean }>();
  for (const model of await listModels(env, db(env))) {
    if (!model.gateway?.length) continue;
    const runnable = new Set(runnableProviders(env, model).map(providerId));
    for (const p of providersOf(model)) {
      const name = await gatewayProviderName(p);
      const declared = RESOURCES.map((r) => [r, featuresOf(model, r, name)] as const).filter(([, f]) => f.length > 0);
      if (!declared.length) continue;
      const entry = byName.get(name) ?? { configs: new Map(), resources: new Map(), available: false };
      byName.set(name, entry);
      entry.configs.set(providerId(p), p);
      if (!runnable.has(providerId(p))) continue;
      entry.available = true;
      for (const [r, features] of declared) {
        const set = entry.resources.get(r) ?? new Set<string>();
        for (const f of features) set.add(f);
        entry.resources.set(r, set);
      }
    }
  }
  const data = await Promise.all(
    [...byName.entries()].map(async ([name, e]) => {
      const healths = await Promise.all([...e.configs.keys()].map((id) => providerState(env, id).health()));
      const status: "ok" | "degraded" | "down" = healths.every((h) => h.status === "down") ? "down" : healths.some((h) => h.status !== "ok") ? "degraded" : "ok";
      const retry = healths.map((h) => h.retry_at).filter((t): t is number => t !== null);
      return {
        id: name,
        type: "provider" as const,
        attributes: {
          name: displayName(name),
          resources: Object.fromEntries([...e.resources.entries()].map(([r, f]) => [r, { features: [...f].sort() }])),
          available: e.available,
          health: {
            status: e.available ? status : ("unavailable" as const),
            in_flight: healths.reduce((t, h) => t + h.in_flight, 0),
            concurrency: [...e.configs.values()].reduce((t, c) => t + (c.concurrency ?? DEFAULT_CONCURRENCY), 0),
            ...(status === "down" && retry.length ? { retry_at: isoTime(Math.min(...retry)) } : {}),
          },
        },
      };
    }),
  );
  return { data: data.sort((a, b) => a.id.localeCompare(b.id)) };
}
