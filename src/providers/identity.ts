import type { ModelDefinition, ProviderConfig } from "./types";

/** A provider's id: its name, else its kind and address (the same service shared by models is one provider). */
export function providerId(p: ProviderConfig): string {
  return p.name ?? `${p.kind}:${p.url.replace(/\/+$/, "")}`;
}

/** The model's providers in preference order. */
export function providersOf(def: Pick<ModelDefinition, "provider" | "providers">): ProviderConfig[] {
  return def.providers && def.providers.length > 0 ? def.providers : [def.provider];
}
