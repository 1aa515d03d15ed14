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

/** What a caller who is not a system admin sees of a provider's id: an unnamed http provider's id is its (often internal) URL. */
export async function publicProviderId(p: ProviderConfig): Promise<string> {
  const id = providerId(p);
  if (p.kind !== "http" || p.name) return id;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(id)));
  return `http-${[...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
