import { FetchError, safeFetch } from "./safe-fetch";

/** `r2:<key>` names an object in the bucket; anything else is an http(s) URL. */
export const R2_PREFIX = "r2:";
export const isR2 = (source: string) => source.startsWith(R2_PREFIX);
export const r2Key = (source: string) => source.slice(R2_PREFIX.length);

/** Resolves a playlist-relative reference against a source (URL or r2:key). */
export function resolveSource(base: string, ref: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref) && !isR2(ref)) return ref;
  if (isR2(base)) {
    const resolved = new URL(ref, `https://r2.invalid/${r2Key(base)}`);
    return `${R2_PREFIX}${decodeURIComponent(resolved.pathname.slice(1))}`;
  }
  return new URL(ref, base).toString();
}

/** Reads a whole source (or a byte range of it). */
export async function readSource(env: Env, source: string, range?: { offset: number; length: number }): Promise<ArrayBuffer> {
  if (isR2(source)) {
    const obj = await env.BUCKET.get(r2Key(source), range ? { range: { offset: range.offset, length: range.length } } : undefined);
    if (!obj) throw new FetchError(`No uploaded file at ${r2Key(source)}`, false);
    return obj.arrayBuffer();
  }
  const headers: HeadersInit = range ? { range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {};
  const res = await safeFetch(env, source, { headers });
  return res.arrayBuffer();
}

export async function readSourceText(env: Env, source: string): Promise<string> {
  return new TextDecoder().decode(await readSource(env, source));
}
