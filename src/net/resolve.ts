/**
 * Name resolution through the deployment's DNS-over-HTTPS resolver (the JSON form Cloudflare's
 * and Google's resolvers answer: `?name=&type=`, `accept: application/dns-json`). Workers have
 * no resolver API of their own, so this is how a name that points at a private address is caught.
 */

export class ResolveError extends Error {}

interface DnsJson {
  Status: number;
  Answer?: Array<{ type: number; data: string; TTL?: number }>;
}

const TYPE_A = 1;
const TYPE_AAAA = 28;
/** Answers are kept this long at most (and no longer than their TTL), per isolate. */
const MAX_CACHE_MS = 60_000;
const TIMEOUT_MS = 5_000;
const cache = new Map<string, { addresses: string[]; until: number }>();

async function query(resolverUrl: string, name: string, type: "A" | "AAAA"): Promise<{ addresses: string[]; ttl: number }> {
  const url = new URL(resolverUrl);
  url.searchParams.set("name", name);
  url.searchParams.set("type", type);
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: "application/dns-json" }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw new ResolveError(`Resolving ${name} failed: ${(e as Error).message}`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new ResolveError(`Resolving ${name} failed: the resolver answered ${res.status}`);
  }
  let body: DnsJson;
  try {
    body = (await res.json()) as DnsJson;
  } catch {
    throw new ResolveError(`Resolving ${name} failed: the resolver's answer is not JSON`);
  }
  // 3 is NXDOMAIN; any other non-zero status is a failure to answer.
  if (body.Status === 3) return { addresses: [], ttl: 30 };
  if (body.Status !== 0) throw new ResolveError(`Resolving ${name} failed: DNS status ${body.Status}`);
  const want = type === "A" ? TYPE_A : TYPE_AAAA;
  const answers = (body.Answer ?? []).filter((a) => a.type === want && typeof a.data === "string");
  return { addresses: answers.map((a) => a.data), ttl: Math.min(...answers.map((a) => a.TTL ?? 60), 60) };
}

/** Every A and AAAA address a name has (empty: the name does not exist). Cached briefly. */
export async function resolveName(resolverUrl: string, name: string, now = Date.now()): Promise<string[]> {
  const key = `${resolverUrl} ${name}`;
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.addresses;
  const [a, aaaa] = await Promise.all([query(resolverUrl, name, "A"), query(resolverUrl, name, "AAAA")]);
  const addresses = [...a.addresses, ...aaaa.addresses];
  if (cache.size > 1000) cache.clear();
  cache.set(key, { addresses, until: now + Math.min(MAX_CACHE_MS, Math.min(a.ttl, aaaa.ttl) * 1000) });
  return addresses;
}
