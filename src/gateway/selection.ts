import type { ProviderConfig } from "../contract/provider-config";
import { db } from "../db/client";
import { ApiError } from "../errors";
import { listModels, runnableProviders } from "../providers/catalog";
import type { GatewayResource, ModelDefinition } from "../providers/types";
import { featuresOf, gatewayProviderName } from "./capabilities";
import { unsupported } from "./checks";

export interface FeatureChoice {
  feature: string;
  model: ModelDefinition;
  config: ProviderConfig;
  provider: string;
}

/** Preference when the client names no provider: Cloudflare's GPUs, then the offline reference, then the others. */
const ORDER = ["workers-ai", "reference"];
const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);

/**
 * Who serves each requested feature of a resource. A named provider must serve them all (400
 * UNKNOWN_PROVIDER when it serves none of this resource, UNSUPPORTED_FEATURE naming what it
 * lacks). Otherwise one provider that serves them all is preferred (fewer moving parts), else
 * each feature goes to the first that serves it; a feature nobody here serves is refused by name.
 */
export async function chooseProviders(env: Env, resource: GatewayResource, features: string[], requested?: string): Promise<FeatureChoice[]> {
  const candidates: FeatureChoice[] = [];
  for (const model of await listModels(env, db(env))) {
    if (!model.gateway?.length) continue;
    for (const config of runnableProviders(env, model)) {
      const provider = await gatewayProviderName(config);
      for (const feature of featuresOf(model, resource, provider)) candidates.push({ feature, model, config, provider });
    }
  }
  candidates.sort((a, b) => rank(a.provider) - rank(b.provider));
  const servedBy = (provider: string) => features.map((f) => candidates.find((c) => c.feature === f && c.provider === provider));

  if (requested && requested !== "auto") {
    if (!candidates.some((c) => c.provider === requested)) {
      throw new ApiError(400, "UNKNOWN_PROVIDER", `Provider ${requested} does not serve ${resource} here; these do: ${[...new Set(candidates.map((c) => c.provider))].join(", ") || "none"}`);
    }
    const picks = servedBy(requested);
    const missing = features.filter((_, i) => !picks[i]);
    if (missing.length) throw unsupported(`${missing.join(", ")}: provider ${requested} does not offer ${missing.length > 1 ? "them" : "it"}`);
    return picks as FeatureChoice[];
  }
  const missing = features.filter((f) => !candidates.some((c) => c.feature === f));
  if (missing.length) throw unsupported(`${missing.join(", ")}: no provider of this deployment offers ${missing.length > 1 ? "them" : "it"} (GET /v1/providers lists what each offers)`);
  for (const provider of [...new Set(candidates.map((c) => c.provider))]) {
    const picks = servedBy(provider);
    if (picks.every((p) => p)) return picks as FeatureChoice[];
  }
  return features.map((f) => candidates.find((c) => c.feature === f)!);
}
