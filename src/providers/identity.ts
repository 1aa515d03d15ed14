import type { ProviderConfig } from "../contract/provider-config";
import type { ModelDefinition } from "./types";

/** A provider's id: its name, else its kind and address (the same service shared by models is one provider). */
export function providerId(p: ProviderConfig): string {
  if (p.name) return p.name;
  return p.kind === "http" ? p.url.replace(/\/+$/, "") : `workers-ai:${p.model}`;
}

/** The model's providers in preference order. */
export function providersOf(def: Pick<ModelDefinition, "provider" | "providers">): ProviderConfig[] {
  return def.providers && def.providers.length > 0 ? def.providers : [def.provider];
}
