import type { ProviderConfig } from "../contract/provider-config";
import { publicProviderId } from "../providers/identity";
import type { GatewayResource, ModelDefinition } from "../providers/types";

/**
 * A provider as the AI Gateway names it: its own name, `workers-ai` for every Workers AI model
 * (one backend to the client), else the public id of its URL (never the URL itself).
 */
export async function gatewayProviderName(p: ProviderConfig): Promise<string> {
  if (p.name) return p.name;
  return p.kind === "workers-ai" ? "workers-ai" : publicProviderId(p);
}

export const displayName = (name: string) => (name === "workers-ai" ? "Cloudflare Workers AI" : name === "reference" ? "Reference (offline)" : name);

/** The features a model declares for a resource through one of its providers. */
export function featuresOf(model: ModelDefinition, resource: GatewayResource, provider: string): string[] {
  return [...new Set((model.gateway ?? []).filter((g) => g.resource === resource && (g.provider === undefined || g.provider === provider)).flatMap((g) => g.features))];
}
