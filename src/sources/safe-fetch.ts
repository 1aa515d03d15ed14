import { badRequest } from "../errors";
import { checkDestination, OutboundUrlError } from "../net/outbound";

/** Thrown when a source cannot be fetched; `transient` says whether trying again may help. */
export class FetchError extends Error {
  constructor(message: string, readonly transient: boolean) {
    super(message);
  }
}

/** Validates a client-supplied media URL (400 naming the field): the outbound-address rule of src/net. */
export async function checkSourceUrl(raw: string, env: Env, field = "url"): Promise<URL> {
  try {
    return await checkDestination(env, raw, field);
  } catch (e) {
    if (e instanceof OutboundUrlError) throw badRequest(e.message, e.code);
    throw e;
  }
}

/**
 * What a failed connection means, in words: the runtime says "internal error; reference = …"
 * when a name does not resolve, and "Network connection lost" when the host refuses or drops it.
 */
function connectionFailure(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (/internal error/i.test(message)) return "the host name could not be resolved or reached (DNS)";
  if (/network connection lost/i.test(message)) return "the connection was refused or dropped";
  return message;
}

/**
 * fetch() that follows redirects by hand so that each hop passes the outbound-address rule, and
 * that classifies failures as transient (network, 5xx, 429) or permanent (other 4xx).
 */
export async function safeFetch(env: Env, url: string, init: RequestInit & { timeoutMs?: number } = {}, maxRedirects = 5): Promise<Response> {
  let current = url;
  const { timeoutMs, ...request } = init;
  let headers = new Headers(request.headers);
  for (let hop = 0; hop <= maxRedirects; hop++) {
    try {
      await checkDestination(env, current, hop === 0 ? "source" : "redirect");
    } catch (e) {
      if (e instanceof OutboundUrlError) throw new FetchError(`Refusing ${hop === 0 ? "source" : "redirect to"} ${current.slice(0, 200)}: ${e.message}`, false);
      throw e;
    }
    let res: Response;
    // A source that stalls before answering (timeoutMs) fails like one that cannot be reached.
    const abort = new AbortController();
    const timer = timeoutMs ? setTimeout(() => abort.abort(), timeoutMs) : null;
    try {
      res = await fetch(current, { ...request, headers, redirect: "manual", ...(timer ? { signal: abort.signal } : {}) });
    } catch (e) {
      if (abort.signal.aborted) throw new FetchError(`Fetching ${current} failed: no answer within ${timeoutMs! / 1000} s`, true);
      throw new FetchError(`Fetching ${current} failed: ${connectionFailure(e)}`, true);
    } finally {
      if (timer) clearTimeout(timer);
    }
    if (res.status >= 300 && res.status < 400 && res.headers.get("location")) {
      const from = current;
      try {
        current = new URL(res.headers.get("location")!, current).toString();
      } catch {
        throw new FetchError(`Fetching ${current} redirected to an invalid URL`, false);
      }
      // Credentials are for the origin they were given for, as browsers do: never sent on to another.
      if (new URL(from).origin !== new URL(current).origin && headers.has("authorization")) {
        headers = new Headers(headers);
        headers.delete("authorization");
      }
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
