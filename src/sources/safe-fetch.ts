import { badRequest } from "../errors";

/** Thrown when a source cannot be fetched; `transient` says whether trying again may help. */
export class FetchError extends Error {
  constructor(message: string, readonly transient: boolean) {
    super(message);
  }
}

const PRIVATE_V4: Array<[number, number]> = [
  [0x00000000, 8], [0x0a000000, 8], [0x7f000000, 8], [0xa9fe0000, 16], [0xac100000, 12],
  [0xc0a80000, 16], [0x64400000, 10], [0xc0000000, 24], [0xc6120000, 15], [0xe0000000, 4], [0xf0000000, 4],
];

function v4ToInt(host: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** Loopback, private, link-local, CGNAT, multicast or reserved; by literal address or well-known name. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) return true;
  const v4 = v4ToInt(host);
  if (v4 !== null) return PRIVATE_V4.some(([net, bits]) => (v4 >>> (32 - bits)) === (net >>> (32 - bits)));
  if (host.includes(":")) {
    if (host === "::" || host === "::1") return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    if (mapped) return isPrivateHost(mapped[1]!);
    return /^(fc|fd|fe8|fe9|fea|feb|ff)/.test(host);
  }
  return false;
}

export const allowsPrivate = (env: Env) => env.ALLOW_PRIVATE_SOURCES === "true";

/** Validates a client-supplied media URL: http(s) only, and no private addresses unless allowed. */
export function checkSourceUrl(raw: string, env: Env, field = "url"): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest(`${field} is not a valid URL: ${raw}`, "INVALID_URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw badRequest(`${field} must be an http or https URL`, "INVALID_URL");
  if (!allowsPrivate(env) && isPrivateHost(url.hostname)) {
    throw badRequest(`${field} points at a private or loopback address, which this deployment refuses`, "PRIVATE_ADDRESS");
  }
  return url;
}

/**
 * fetch() that follows redirects by hand so that each hop is checked against the private-address
 * rule, and that classifies failures as transient (network, 5xx, 429) or permanent (other 4xx).
 */
export async function safeFetch(env: Env, url: string, init: RequestInit = {}, maxRedirects = 5): Promise<Response> {
  let current = url;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    const u = new URL(current);
    if (!allowsPrivate(env) && isPrivateHost(u.hostname)) throw new FetchError(`Refusing private address ${u.hostname}`, false);
    let res: Response;
    try {
      res = await fetch(current, { ...init, redirect: "manual" });
    } catch (e) {
      throw new FetchError(`Fetching ${current} failed: ${(e as Error).message}`, true);
    }
    if (res.status >= 300 && res.status < 400 && res.headers.get("location")) {
      current = new URL(res.headers.get("location")!, current).toString();
      await res.body?.cancel();
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new FetchError(`Fetching ${current} answered ${res.status}`, res.status >= 500 || res.status === 429 || res.status === 408);
    }
    return res;
  }
  throw new FetchError(`Too many redirects fetching ${url}`, false);
}
