import { checkDestination, OutboundUrlError } from "../../net/outbound";

/**
 * The few content-fabric calls this service makes, with the paths and parameters Eluvio's public
 * clients use (elv-client-py, the content-tagger's QAPI): the content object, its metadata,
 * part downloads, files, and live segments. Every request carries a token as
 * `Authorization: Bearer`, goes through the outbound-address rule, and gives up after
 * FABRIC_TIMEOUT_S without an answer.
 */

/** A fabric call that failed: the fabric's HTTP status (null: no answer) and its own reason. */
export class FabricError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly transient: boolean,
  ) {
    super(message);
  }
}

/** Which fabric to call and with what token. */
export interface FabricAccess {
  base: string;
  token: string;
}

/** A qid the fabric names: an object id, a version hash, or a write token (base58 after the prefix). */
export const FABRIC_ID = /^(iq__|hq__|tqw__)[1-9A-HJ-NP-Za-km-z]{8,100}$/;
export const isFabricId = (qid: string) => FABRIC_ID.test(qid);

export function fabricTimeoutMs(env: Env): number {
  const s = Number(env.FABRIC_TIMEOUT_S);
  return (Number.isFinite(s) && s > 0 ? s : 20) * 1000;
}

/** `<base>/<path segments>?<query>`; segments are escaped one by one (metadata paths keep their slashes). */
export function fabricUrl(base: string, path: string[], query: Record<string, string | undefined> = {}): string {
  const url = new URL(`${base.replace(/\/+$/, "")}/${path.map(encodeURIComponent).join("/")}`);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** The reason a fabric gives in an error body (`{"errors": [{kind, reason}]}` or `{message}`), else the status. */
async function reasonOf(res: Response): Promise<string> {
  const text = (await res.text().catch(() => "")).slice(0, 2000);
  try {
    const body = JSON.parse(text) as { errors?: Array<{ reason?: unknown; kind?: unknown }>; error?: unknown; message?: unknown };
    const first = body.errors?.[0];
    const reason = first?.reason ?? first?.kind ?? (typeof body.error === "string" ? body.error : undefined) ?? body.message;
    if (typeof reason === "string" && reason) return reason.slice(0, 300);
  } catch {
    // not JSON: the status says it
  }
  return `HTTP ${res.status}`;
}

/**
 * One authorised request to the fabric. Answers the response when it is 2xx; otherwise throws a
 * FabricError with the fabric's reason. No redirects: a fabric that redirects is not followed
 * with the token.
 */
export async function fabricFetch(env: Env, access: FabricAccess, url: string, what: string): Promise<Response> {
  try {
    await checkDestination(env, url, "fabric_url");
  } catch (e) {
    if (e instanceof OutboundUrlError) throw new FabricError(`Refusing the fabric at ${new URL(url).origin}: ${e.message}`, null, false);
    throw e;
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), fabricTimeoutMs(env));
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${access.token}` }, redirect: "manual", signal: abort.signal });
  } catch {
    const stalled = abort.signal.aborted;
    throw new FabricError(`The fabric ${stalled ? `did not answer ${what} within ${fabricTimeoutMs(env) / 1000} s` : `could not be reached for ${what}`}`, null, true);
  } finally {
    clearTimeout(timer);
  }
  if (res.ok) return res;
  const reason = await reasonOf(res);
  throw new FabricError(`The fabric refused ${what}: ${reason}`, res.status, res.status >= 500 || res.status === 429 || res.status === 408);
}

export async function fabricJson(env: Env, access: FabricAccess, path: string[], query: Record<string, string | undefined>, what: string): Promise<unknown> {
  const res = await fabricFetch(env, access, fabricUrl(access.base, path, query), what);
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FabricError(`The fabric answered ${what} with something that is not JSON`, res.status, false);
  }
}

/** `GET /q/{id}`: the content object (its latest version hash and library). */
export async function contentObject(env: Env, access: FabricAccess, qid: string): Promise<{ id: string; hash: string; qlib_id: string }> {
  const body = (await fabricJson(env, access, ["q", qid], {}, `content ${qid}`)) as Record<string, unknown>;
  const hash = typeof body.hash === "string" ? body.hash : typeof body.write_token === "string" ? body.write_token : null;
  if (!hash) throw new FabricError(`The fabric's answer for content ${qid} has no version hash`, 200, false);
  return { id: String(body.id ?? qid), hash, qlib_id: String(body.qlib_id ?? "") };
}

/** `GET /q/{hash}/meta/{subtree}`: a metadata subtree; null where the content has none (404). */
export async function contentMeta(env: Env, access: FabricAccess, hash: string, subtree: string, resolveLinks = false): Promise<unknown> {
  try {
    return await fabricJson(env, access, ["q", hash, "meta", ...subtree.split("/")], { resolve_links: resolveLinks ? "true" : undefined }, `metadata ${subtree} of ${hash}`);
  } catch (e) {
    if (e instanceof FabricError && e.status === 404) return null;
    throw e;
  }
}

/** Where a mezzanine part is downloaded (`rep/parts_download`, as elv-client-py's download_part). */
export const partDownloadUrl = (base: string, hash: string, partHash: string) => fabricUrl(base, ["q", hash, "rep", "parts_download"], { part_hash: partHash });

/** Where a file of the content is read (`files/<path>`, the path's slashes kept). */
export const fileUrl = (base: string, hash: string, path: string) =>
  `${base.replace(/\/+$/, "")}/q/${encodeURIComponent(hash)}/files/${path.split("/").map(encodeURIComponent).join("/")}`;

/** Where a live object's segments are read (`rep/media/segment`, as the content-tagger's QAPI). */
export const liveSegmentUrl = (base: string, qid: string, stream: string, durationS: number, num: number | null) =>
  fabricUrl(base, ["q", qid, "rep", "media", "segment"], { num: num === null ? undefined : String(num), duration: String(durationS), stream });
