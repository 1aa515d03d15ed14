import type { PartRef } from "../contract/part";
import type { JobInit } from "../contract/job";
import type { ProviderRequest } from "../providers/types";
import type { PartBytes } from "../providers/workers-ai/media";
import { copyToR2, isR2, r2Key, type ReadOptions } from "../sources/bytes";
import { tenantFabricAccess } from "../sources/fabric/access";
import { fabricTimeoutMs } from "../sources/fabric/client";
import { asFetchError } from "../sources/fabric/as-fetch-error";
import { signMediaUrl } from "../sources/media-url";
import { checkDestination, OutboundUrlError } from "../net/outbound";
import { FetchError } from "../sources/safe-fetch";
import { mediaPrefix } from "../sources/registry";

/** The R2 key under which a part's own bytes are kept once fetched (shared by every model). */
async function partKey(init: JobInit, part: PartRef): Promise<string> {
  const stream = part.kind === "image" ? "assets" : init.stream;
  const suffix = (part.byterange ? `@${part.byterange.offset}+${part.byterange.length}` : "") + (part.concat ? `+${part.concat.length}` : "");
  return `${await mediaPrefix(init.qid, stream, part.source + suffix + (part.init ?? ""))}/${part.start_ms}-${part.start_ms + part.duration_ms}`;
}

export interface PreparedMedia {
  /** What an http provider is sent. */
  media: ProviderRequest["media"];
  /** Where the bytes are in R2, for providers that read them there (Workers AI); null for a remote source. */
  bytes: PartBytes | null;
}

/**
 * Makes sure the part's media is in R2 (fetched once per content, stream and part) and answers
 * what the provider is sent. Processor models get the source itself and fetch what they need.
 * Throws FetchError when the source cannot be read.
 */
export async function preparePartMedia(env: Env, init: JobInit, part: PartRef): Promise<PreparedMedia> {
  const base = { content_type: part.content_type, start_ms: part.start_ms, duration_ms: part.duration_ms };
  const read = part.auth === "fabric" ? await fabricRead(env, init) : {};
  if (part.kind === "range" && part.auth === "fabric") return fabricChunk(env, init, part, read);
  if (part.kind === "range") {
    if (!isR2(part.source)) {
      // The provider fetches this URL itself: it passes the same address rule as our own fetches.
      try {
        await checkDestination(env, part.source, "source");
      } catch (e) {
        if (e instanceof OutboundUrlError) throw new FetchError(e.message, false);
        throw e;
      }
      return { media: { ...base, url: part.source, kind: "range" }, bytes: null };
    }
    const key = r2Key(part.source);
    return { media: { ...base, url: await signMediaUrl(env, key), kind: "range" }, bytes: { key, offset_ms: part.start_ms } };
  }
  const kind = part.kind === "image" ? "image" : init.model_type === "audio" ? "audio" : init.model_type === "text" ? "text" : "video";
  // A whole uploaded file needs no copy, but it must be there.
  if (isR2(part.source) && !part.byterange && !part.init) {
    const key = r2Key(part.source);
    if (!(await env.BUCKET.head(key))) throw new FetchError(`No uploaded file at ${key}`, false);
    return { media: { ...base, url: await signMediaUrl(env, key), kind }, bytes: { key, offset_ms: 0 } };
  }
  const key = await partKey(init, part);
  if (!(await env.BUCKET.head(key))) {
    // Consecutive MPEG-TS (or fMP4 fragment) segments concatenate into one playable part; fMP4
    // segments are only playable behind their init section.
    const segments = part.concat ?? [{ source: part.source, ...(part.byterange ? { byterange: part.byterange } : {}) }];
    const pieces = [...(part.init ? [{ source: part.init }] : []), ...segments.map((s) => ({ source: s.source, ...(s.byterange ? { range: s.byterange } : {}) }))];
    await copyToR2(env, key, pieces, part.content_type, read);
  }
  return { media: { ...base, url: await signMediaUrl(env, key), kind }, bytes: { key, offset_ms: 0 } };
}

/** Fabric media is read with the content tenant's own credential (src/sources/fabric/access.ts). */
async function fabricRead(env: Env, init: JobInit): Promise<ReadOptions> {
  const access = await tenantFabricAccess(env, init.tenant_id).catch(asFetchError);
  return { headers: { authorization: `Bearer ${access.token}` }, timeoutMs: fabricTimeoutMs(env) };
}

/**
 * A processor chunk of fabric content: a processor fetches media itself, but fabric parts need
 * the tenant's credential, which never leaves the service. So each part the chunk overlaps is
 * copied to R2 (once, under the key the video scope uses too) and the provider gets a signed URL
 * for each, in `media.pieces`.
 */
async function fabricChunk(env: Env, init: JobInit, part: PartRef, read: ReadOptions): Promise<PreparedMedia> {
  const pieces = [];
  for (const p of part.concat ?? [{ source: part.source, start_ms: part.start_ms, duration_ms: part.duration_ms }]) {
    const start = p.start_ms ?? part.start_ms;
    const duration = p.duration_ms ?? part.duration_ms;
    const key = `${await mediaPrefix(init.qid, init.stream, p.source)}/${start}-${start + duration}`;
    if (!(await env.BUCKET.head(key))) await copyToR2(env, key, [{ source: p.source }], part.content_type, read);
    pieces.push({ url: await signMediaUrl(env, key), start_ms: start, duration_ms: duration });
  }
  const media = { content_type: part.content_type, start_ms: part.start_ms, duration_ms: part.duration_ms, url: pieces[0]!.url, kind: "range" as const, pieces };
  return { media, bytes: null };
}
