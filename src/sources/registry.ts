import type { Content } from "../db/contents";
import type { ModelType, Scope } from "../jobs/options";
import { overlapsWindow, timeGrid, timePartId } from "../jobs/parts";
import { type PartRef } from "../contract/part";
import { isAudioStreamName } from "../jobs/stream";
import { MAX_PARTS_PER_JOB } from "../limits";
import { copyToR2, fileKey, isR2, R2_PREFIX, r2Key, readSource } from "./bytes";
import { listHls } from "./hls";
import { mp4DurationMs, readMp4Info } from "./mp4";
import { FetchError } from "./safe-fetch";
import { planTextParts } from "./text-document";

export { fileKey };

/** Where a registered stream's or asset's bytes come from. */
export function sourceOf(qid: string, spec: { url?: string; file?: string }): string {
  return spec.url ?? `${R2_PREFIX}${fileKey(qid, spec.file!)}`;
}

/** Short stable hash, so a cached copy is tied to the exact source it came from. */
async function sourceHash(source: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(source)));
  return [...d.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** R2 prefix under which a stream's parts are kept once fetched: shared by every model. */
export async function mediaPrefix(qid: string, stream: string, source: string): Promise<string> {
  return `media/${qid}/${stream}/${await sourceHash(source)}`;
}

type StreamKind = "hls" | "mp4";

async function streamKind(env: Env, source: string): Promise<StreamKind> {
  const path = (isR2(source) ? r2Key(source) : new URL(source).pathname).toLowerCase();
  if (path.endsWith(".m3u8")) return "hls";
  if (/\.(mp4|m4v|m4a|mov)$/.test(path)) return "mp4";
  const head = await readSource(env, source, { offset: 0, length: 12 }, 12);
  const text = new TextDecoder().decode(head);
  if (text.startsWith("#EXTM3U")) return "hls";
  if (text.slice(4, 8) === "ftyp") return "mp4";
  throw new FetchError(`Stream source ${source} is neither an HLS playlist nor an MP4 file`, false);
}

/** Copies an http MP4 into R2 once, so every part and every model reads the same bytes. */
async function ensureMp4InR2(env: Env, qid: string, stream: string, source: string): Promise<string> {
  if (isR2(source)) return r2Key(source);
  const key = `${await mediaPrefix(qid, stream, source)}/source.mp4`;
  if (await env.BUCKET.head(key)) return key;
  await copyToR2(env, key, [{ source }], "video/mp4");
  return key;
}

/** The movie header of a content's MP4 stream, read from its copy in R2 (made if need be). */
export async function mp4MovieOf(env: Env, qid: string, stream: string, source: string) {
  const key = await ensureMp4InR2(env, qid, stream, source);
  const head = await env.BUCKET.head(key);
  if (!head) throw new FetchError(`No media at ${key}`, false);
  return readMp4Info(async (offset, length) => (await env.BUCKET.get(key, { range: { offset, length } }))!.arrayBuffer(), head.size);
}

async function mp4Duration(env: Env, key: string, kind: "video" | "audio"): Promise<number> {
  const head = await env.BUCKET.head(key);
  if (!head) throw new FetchError(`No media at ${key}`, false);
  const info = await readMp4Info(async (offset, length) => (await env.BUCKET.get(key, { range: { offset, length } }))!.arrayBuffer(), head.size);
  return mp4DurationMs(info, kind);
}

export const imageType = (path: string) =>
  ({ png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", webp: "image/webp", gif: "image/gif" })[path.split(".").pop()!.toLowerCase()] ??
  "application/octet-stream";

/** A job's parts are bounded (MAX_PARTS_PER_JOB): say how to ask for fewer. */
export function checkPartCount(n: number, what: string): void {
  if (n > MAX_PARTS_PER_JOB) {
    throw new FetchError(`${what} would make ${n} parts; a job may have at most ${MAX_PARTS_PER_JOB} (narrow start_time/end_time, or use longer parts)`, false);
  }
}

export interface Plan {
  parts: PartRef[];
  live: boolean;
}

/** Lists the parts of a registered content that a scope covers. */
export async function planParts(env: Env, content: Content, scope: Scope, modelType: ModelType): Promise<Plan> {
  if (scope.type === "assets") {
    const paths = scope.assets ?? Object.keys(content.assets).sort();
    const parts = paths.map((path, idx): PartRef => {
      const spec = content.assets[path];
      if (!spec) throw new FetchError(`Asset ${path} not found in content ${content.qid}`, false);
      return { id: path, idx, start_ms: 0, duration_ms: 0, kind: "image", source: sourceOf(content.qid, spec), content_type: imageType(path) };
    });
    return { parts, live: false };
  }
  const spec = content.streams[scope.stream];
  if (!spec) throw new FetchError(`Stream ${scope.stream} not found in content ${content.qid}`, false);
  const source = sourceOf(content.qid, spec);
  if (modelType === "text") {
    if (scope.type !== "video") return { parts: [], live: false };
    const parts = await planTextParts(env, content.qid, scope.stream, source);
    checkPartCount(parts.length, `The document of stream ${scope.stream}`);
    return { parts, live: false };
  }
  const kind = await streamKind(env, source);
  const audio = isAudioStreamName(scope.stream) || modelType === "audio";

  if (kind === "hls") {
    const listing = await listHls(env, source, audio);
    if (scope.type === "processor") {
      return { parts: chunkParts(scope, listing.duration_ms, source, "application/vnd.apple.mpegurl"), live: listing.live };
    }
    if (scope.type !== "video") return { parts: [], live: listing.live };
    const inScope = listing.segments.filter((s) => overlapsWindow(s.start_ms, s.duration_ms, scope.start_time, scope.end_time));
    checkPartCount(inScope.length, `The playlist of stream ${scope.stream}`);
    const parts = inScope
      .map((s, idx): PartRef => ({
        id: timePartId(scope.stream, s.start_ms, s.start_ms + s.duration_ms),
        idx,
        start_ms: s.start_ms,
        duration_ms: s.duration_ms,
        kind: "segment",
        source: s.source,
        ...(s.byterange ? { byterange: s.byterange } : {}),
        ...(s.init ? { init: s.init } : {}),
        content_type: s.init ? "video/mp4" : audio ? "audio/aac" : "video/mp2t",
      }));
    return { parts, live: listing.live };
  }

  const key = await ensureMp4InR2(env, content.qid, scope.stream, source);
  const duration = await mp4Duration(env, key, isAudioStreamName(scope.stream) ? "audio" : "video");
  if (scope.type === "processor") return { parts: chunkParts(scope, duration, source, "video/mp4"), live: false };
  if (scope.type !== "video") return { parts: [], live: false };
  const fromMs = Math.floor((scope.start_time * 1000) / content.part_duration_ms) * content.part_duration_ms;
  const toMs = Math.min(duration, scope.end_time === null ? duration : scope.end_time * 1000);
  checkPartCount(Math.ceil((toMs - fromMs) / content.part_duration_ms), `Stream ${scope.stream} (${Math.round(duration / 1000)} s in ${content.part_duration_ms / 1000} s parts)`);
  const parts = timeGrid(duration, content.part_duration_ms, scope.start_time * 1000, scope.end_time === null ? null : scope.end_time * 1000).map(
    (g, idx): PartRef => ({
      id: timePartId(scope.stream, g.start, g.end),
      idx,
      start_ms: g.start,
      duration_ms: g.end - g.start,
      kind: "range",
      source: `${R2_PREFIX}${key}`,
      content_type: "video/mp4",
    }),
  );
  return { parts, live: false };
}

/** Processor models get time chunks of `chunk_size` seconds and fetch the media themselves. */
export function chunkParts(scope: Extract<Scope, { type: "processor" }>, durationMs: number, source: string, contentType: string): PartRef[] {
  const from = scope.start_time * 1000;
  const to = Math.min(durationMs, scope.end_time === null ? durationMs : scope.end_time * 1000);
  const size = scope.chunk_size * 1000;
  checkPartCount(Math.ceil((to - from) / size), `Stream ${scope.stream} in ${scope.chunk_size} s chunks`);
  const parts: PartRef[] = [];
  for (let s = from, idx = 0; s < to; s += size, idx++) {
    const e = Math.min(s + size, to);
    parts.push({ id: timePartId(scope.stream, s, e), idx, start_ms: s, duration_ms: e - s, kind: "range", source, content_type: contentType });
  }
  return parts;
}
