import type { ProviderConfig } from "../contract/provider-config";
import { db } from "../db/client";
import { ApiError } from "../errors";
import { findModel, listModels, runnableProviders, unavailableReason } from "../providers/catalog";
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

/** What each resource served by a single model calls its work, for errors. */
const WORK = { transcriptions: "speech_to_text", translations: "translation", "video-analyses": "video analysis" } as const;

/**
 * The model of a resource that one model serves (transcriptions: `asr`, translations:
 * `translate`) and the provider that runs it: the one the client named, else the first of the
 * deployment's providers that offers every feature asked for (GET /v1/providers shows the same
 * declarations).
 */
export async function modelProvider(env: Env, modelName: string, resource: GatewayResource, requested: string | undefined, needs: string[]) {
  const work = WORK[resource];
  const model = await findModel(env, db(env), modelName);
  if (!model) throw unsupported(`${work}: this deployment has no ${modelName} model`);
  const reason = unavailableReason(env, model);
  if (reason) throw unsupported(`${work} is not available in this deployment: ${reason}`);
  const offers = await Promise.all(
    runnableProviders(env, model).map(async (config) => {
      const name = await gatewayProviderName(config);
      return { config, name, features: featuresOf(model, resource, name) };
    }),
  );
  // A provider serves the resource when the model declares it for that provider, even with no optional features (translations' M2M100).
  const serving = offers.filter((o) => (model.gateway ?? []).some((g) => g.resource === resource && (g.provider === undefined || g.provider === o.name)));
  if (requested && requested !== "auto") {
    const named = serving.find((o) => o.name === requested);
    if (!named) throw new ApiError(400, "UNKNOWN_PROVIDER", `Provider ${requested} does not serve ${resource} here; these do: ${serving.map((o) => o.name).join(", ") || "none"}`);
    const missing = needs.filter((f) => !named.features.includes(f));
    if (missing.length) throw unsupported(`${missing.join(", ")}: provider ${requested} does not offer ${missing.length > 1 ? "them" : "it"} (it offers ${named.features.join(", ") || "none of the optional features"})`);
    return { model, chosen: named, pinned: true };
  }
  if (!serving.length) throw unsupported(`${work}: no provider of this deployment serves ${resource}`);
  const fit = serving.find((o) => needs.every((f) => o.features.includes(f)));
  if (!fit) throw unsupported(`${needs.join(", ")}: no provider of this deployment offers ${needs.length > 1 ? "them" : "it"} for ${resource}`);
  return { model, chosen: fit, pinned: false };
}
