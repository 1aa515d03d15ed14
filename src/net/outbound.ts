import { classifyHost, isPublicAddress } from "./address";
import { ResolveError, resolveName } from "./resolve";

/** Why a URL may not be fetched; `code` is what the API answers (400) when a client gave it. */
export class OutboundUrlError extends Error {
  constructor(
    message: string,
    readonly code: "INVALID_URL" | "PRIVATE_ADDRESS" | "UNRESOLVABLE_HOST",
  ) {
    super(message);
  }
}

/** Local development and the test runtime reach loopback services; production never does. */
export const allowsPrivate = (env: Env) => env.ALLOW_PRIVATE_SOURCES === "true";

/**
 * What a URL says by itself: http(s) only, and no private, loopback, link-local or reserved
 * address in any notation, nor a name that is local by definition. `field` names the URL in errors.
 */
export function checkUrlSyntax(env: Env, raw: string | URL, field = "url"): URL {
  let url: URL;
  try {
    url = typeof raw === "string" ? new URL(raw) : raw;
  } catch {
    throw new OutboundUrlError(`${field} is not a valid URL: ${String(raw).slice(0, 200)}`, "INVALID_URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new OutboundUrlError(`${field} must be an http or https URL`, "INVALID_URL");
  if (url.username || url.password) throw new OutboundUrlError(`${field} must not carry credentials`, "INVALID_URL");
  if (allowsPrivate(env)) return url;
  if (!classifyHost(url.hostname).public) {
    throw new OutboundUrlError(`${field} points at a private, loopback or reserved address (${url.hostname}), which this deployment refuses`, "PRIVATE_ADDRESS");
  }
  return url;
}

/**
 * The whole rule: the URL's own form, then what its name resolves to when the deployment names a
 * resolver (DNS_RESOLVER_URL). Every address of the name must be public. Used before each
 * outbound request: sources, segments, every redirect hop, provider calls.
 */
export async function checkDestination(env: Env, raw: string | URL, field = "url"): Promise<URL> {
  const url = checkUrlSyntax(env, raw, field);
  if (allowsPrivate(env) || !env.DNS_RESOLVER_URL) return url;
  const host = classifyHost(url.hostname);
  if (host.kind === "address") return url;
  let addresses: string[];
  try {
    addresses = await resolveName(env.DNS_RESOLVER_URL, host.name);
  } catch (e) {
    throw new OutboundUrlError(`${field}: ${e instanceof ResolveError ? e.message : "resolving the host failed"}`, "UNRESOLVABLE_HOST");
  }
  if (addresses.length === 0) throw new OutboundUrlError(`${field}: the host ${host.name} does not resolve`, "UNRESOLVABLE_HOST");
  const bad = addresses.find((a) => !isPublicAddress(a));
  if (bad) throw new OutboundUrlError(`${field}: the host ${host.name} resolves to ${bad}, a private or reserved address, which this deployment refuses`, "PRIVATE_ADDRESS");
  return url;
}
