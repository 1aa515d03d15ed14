import { MAX_BUFFERED_MEDIA_BYTES, MAX_PLAYLIST_BYTES } from "../limits";
import { FetchError, safeFetch } from "./safe-fetch";

/**
 * `r2:<key>` names an object in the bucket; anything else is an http(s) URL. Only the registry
 * makes r2: sources (from a content's own uploaded files); outside input never names one.
 */
export const R2_PREFIX = "r2:";
export const isR2 = (source: string) => source.startsWith(R2_PREFIX);
export const r2Key = (source: string) => source.slice(R2_PREFIX.length);

/** Where a content's uploaded files live in R2. */
export const fileKey = (qid: string, path: string) => `files/${qid}/${path}`;

/** The content's folder an uploaded source lies in (`files/<qid>/`), or null for anything else. */
function uploadRoot(key: string): string | null {
  const m = /^files\/([^/]+)\//.exec(key);
  return m ? `files/${m[1]}/` : null;
}

/**
 * Resolves a playlist's reference against the playlist's own source. An uploaded playlist's
 * references stay inside its content's files (percent-decoded, dot segments resolved, no escape);
 * an http playlist's references are http(s) URLs (checked again when fetched). Any other scheme,
 * `r2:` included, is refused: outside input never names storage.
 */
export function resolveSource(base: string, ref: string): string {
  const trimmed = ref.trim();
  if (isR2(base)) {
    const key = r2Key(base);
    const root = uploadRoot(key);
    if (!root) throw new FetchError(`Playlist ${key} is not an uploaded file`, false);
    if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) {
      if (/^https?:/i.test(trimmed) && URL.canParse(trimmed)) return new URL(trimmed).toString();
      throw new FetchError(`Playlist reference ${trimmed.slice(0, 100)} has a scheme this service does not read`, false);
    }
    let path: string;
    try {
      // Decode first, so an encoded "..", "/" or "\" cannot slip past the dot-segment resolution.
      const decoded = decodeURIComponent(trimmed).replace(/\\/g, "/");
      if (decoded.startsWith("/") || decoded.includes("\0")) throw new Error("absolute");
      const segments = key.split("/").slice(0, -1);
      for (const s of decoded.split(/[?#]/)[0]!.split("/")) {
        if (s === "..") segments.pop();
        else if (s !== "." && s !== "") segments.push(s);
      }
      path = segments.join("/");
    } catch {
      throw new FetchError(`Playlist reference ${trimmed.slice(0, 100)} does not lie inside the content's own files`, false);
    }
    if (!path.startsWith(root) || path.length === root.length) {
      throw new FetchError(`Playlist reference ${trimmed.slice(0, 100)} does not lie inside the content's own files`, false);
    }
    return `${R2_PREFIX}${path}`;
  }
  let url: URL;
  try {
    url = new URL(trimmed, base);
  } catch {
    throw new FetchError(`Playlist reference ${trimmed.slice(0, 100)} is not a valid URL`, false);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new FetchError(`Playlist reference ${trimmed.slice(0, 100)} is not an http(s) URL`, false);
  return url.toString();
}

export interface OpenedSource {
  body: ReadableStream<Uint8Array>;
  /** Bytes the body will carry, when known. */
  length: number | null;
}

/** The bytes [offset, offset+length) of a stream, for servers that answer a Range request with the whole file. */
function sliceStream(body: ReadableStream<Uint8Array>, offset: number, length: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let pos = 0;
  const end = offset + length;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          if (pos < end) controller.error(new FetchError(`The source ended at byte ${pos}, before the range ${offset}-${end - 1}`, false));
          else controller.close();
          return;
        }
        const from = Math.max(0, offset - pos);
        const to = Math.min(value.byteLength, end - pos);
        pos += value.byteLength;
        if (to > from) controller.enqueue(value.subarray(from, to));
        if (pos >= end) {
          await reader.cancel();
          controller.close();
          return;
        }
        if (to > from) return;
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** Opens a source (or a byte range of it) as a stream, without reading it. */
/** How a source is read besides its address: headers (a credential) and how long to wait for an answer. */
export interface ReadOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export async function openSource(env: Env, source: string, range?: { offset: number; length: number }, read: ReadOptions = {}): Promise<OpenedSource> {
  if (isR2(source)) {
    const obj = await env.BUCKET.get(r2Key(source), range ? { range: { offset: range.offset, length: range.length } } : undefined);
    if (!obj) throw new FetchError(`No uploaded file at ${r2Key(source)}`, false);
    return { body: obj.body, length: range ? Math.min(range.length, Math.max(0, obj.size - range.offset)) : obj.size };
  }
  const headers: Record<string, string> = { ...(read.headers ?? {}), ...(range ? { range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {}) };
  const res = await safeFetch(env, source, { headers, ...(read.timeoutMs ? { timeoutMs: read.timeoutMs } : {}) });
  if (!res.body) return { body: new ReadableStream({ start: (c) => c.close() }), length: 0 };
  if (range && res.status !== 206) return { body: sliceStream(res.body, range.offset, range.length), length: range.length };
  const declared = Number(res.headers.get("content-length"));
  return { body: res.body, length: res.headers.has("content-length") && Number.isFinite(declared) && declared >= 0 ? declared : null };
}

/** Reads a stream whole, refusing (permanently) more than `max` bytes without holding them. */
export async function readCapped(opened: OpenedSource, max: number, what: string): Promise<Uint8Array> {
  if (opened.length !== null && opened.length > max) {
    await opened.body.cancel();
    throw new FetchError(`${what} is ${opened.length} bytes; the limit is ${max} bytes`, false);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = opened.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw new FetchError(`${what} is larger than the limit of ${max} bytes`, false);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) out.set(c, at), (at += c.byteLength);
  return out;
}

/** Reads a whole source, or a byte range of it, up to `max` bytes. */
export async function readSource(env: Env, source: string, range?: { offset: number; length: number }, max = MAX_BUFFERED_MEDIA_BYTES): Promise<Uint8Array> {
  return readCapped(await openSource(env, source, range), max, `Source ${source.slice(0, 200)}`);
}

/** A playlist's text, read up to MAX_PLAYLIST_BYTES. */
export async function readSourceText(env: Env, source: string): Promise<string> {
  return new TextDecoder().decode(await readCapped(await openSource(env, source), MAX_PLAYLIST_BYTES, `Playlist ${source.slice(0, 200)}`));
}

/**
 * Copies one or more sources, in order, into one R2 object. Streamed when every length is known
 * (R2 needs a length up front); otherwise buffered up to MAX_BUFFERED_MEDIA_BYTES.
 */
export async function copyToR2(
  env: Env,
  key: string,
  pieces: Array<{ source: string; range?: { offset: number; length: number } }>,
  contentType: string,
  read: ReadOptions = {},
): Promise<void> {
  const opened = await Promise.all(pieces.map((p) => openSource(env, p.source, p.range, read)));
  const meta = { httpMetadata: { contentType } };
  if (opened.every((o) => o.length !== null)) {
    const total = opened.reduce((n, o) => n + o.length!, 0);
    const joined = new FixedLengthStream(total);
    const piped = (async () => {
      for (const [i, o] of opened.entries()) await o.body.pipeTo(joined.writable, { preventClose: i < opened.length - 1 });
    })();
    try {
      await Promise.all([env.BUCKET.put(key, joined.readable, meta), piped]);
    } catch (e) {
      await Promise.allSettled(opened.map((o) => o.body.cancel()));
      throw e instanceof FetchError ? e : new FetchError(`Copying media into ${key} failed: ${(e as Error).message}`, true);
    }
    return;
  }
  const parts: Uint8Array[] = [];
  let left = MAX_BUFFERED_MEDIA_BYTES;
  for (const o of opened) {
    const bytes = await readCapped(o, left, `Media for ${key}`);
    left -= bytes.byteLength;
    parts.push(bytes);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.byteLength);
  await env.BUCKET.put(key, out, meta);
}
