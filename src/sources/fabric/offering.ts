/*
 * Pure readers of content-fabric metadata, in the shapes Eluvio's public content-tagger reads
 * (src/fetch/factory.py): a VOD stream's mezzanine parts from `transcodes` + the default
 * offering's playout streams (or, for older content, the offering's `media_struct`), image
 * assets from `assets`, and whether an object is a live stream (`live_recording`).
 */

/** Metadata that does not have the shape a fabric content's offering should have. */
export class OfferingError extends Error {}

export interface FabricPart {
  /** The mezzanine part's hash (hqp_…), what `rep/parts_download` takes. */
  hash: string;
  start_ms: number;
  duration_ms: number;
}

export interface FabricStream {
  codec_type: "video" | "audio";
  parts: FabricPart[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** `"1/30000"` or `"0.001"` as a number of seconds. */
function timeBase(v: unknown): number | null {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return null;
  const [n, d] = v.split("/").map(Number);
  if (d === undefined) return Number.isFinite(n) ? n! : null;
  return Number.isFinite(n) && Number.isFinite(d) && d !== 0 ? n! / d : null;
}

/**
 * A stream's `sources`: either `[{source, duration: {float}}]` or `[[hash, duration_ts], …]` with
 * the stream's `duration.time_base`. Each part keeps its own duration; starts are their sums.
 */
function partsOf(sources: unknown, streamTimeBase: unknown, what: string): FabricPart[] {
  if (!Array.isArray(sources) || sources.length === 0) throw new OfferingError(`${what} has no parts`);
  const base = timeBase(streamTimeBase);
  let at = 0;
  return sources.map((p, i) => {
    let hash: unknown;
    let seconds: number | null;
    if (Array.isArray(p)) {
      hash = p[0];
      seconds = base === null ? null : Number(p[1]) * base;
    } else if (isObject(p)) {
      hash = p.source;
      const d = p.duration;
      seconds = isObject(d) && typeof d.float === "number" ? d.float : isObject(d) ? Number(d.ts) * (timeBase(d.time_base) ?? Number.NaN) : null;
    } else seconds = null;
    if (typeof hash !== "string" || !hash || seconds === null || !Number.isFinite(seconds) || seconds <= 0) {
      throw new OfferingError(`${what}: part ${i} has no hash or duration`);
    }
    const part = { hash, start_ms: Math.round(at * 1000), duration_ms: Math.round((at + seconds) * 1000) - Math.round(at * 1000) };
    at += seconds;
    return part;
  });
}

const codecOf = (v: unknown, what: string): "video" | "audio" => {
  if (v === "video" || v === "audio") return v;
  throw new OfferingError(`${what} is neither video nor audio (codec_type ${String(v)})`);
};

/** The offering's stream names (modern playout streams, else the legacy media struct). */
export function streamNames(playoutStreams: unknown, mediaStruct: unknown): string[] {
  if (isObject(playoutStreams)) return Object.keys(playoutStreams).sort();
  if (isObject(mediaStruct)) return Object.keys(mediaStruct).sort();
  return [];
}

/** A modern VOD stream: its representations name a transcode, whose `stream.sources` are the parts. */
export function modernStream(transcodes: unknown, playoutStreams: unknown, name: string): FabricStream | null {
  if (!isObject(transcodes) || !isObject(playoutStreams)) return null;
  const stream = playoutStreams[name];
  if (!isObject(stream)) return null;
  const reps = isObject(stream.representations) ? Object.values(stream.representations) : [];
  const tid = reps.map((r) => (isObject(r) ? r.transcode_id : undefined)).find((t): t is string => typeof t === "string");
  if (!tid) throw new OfferingError(`Stream ${name} names no transcode`);
  const t = transcodes[tid];
  const meta = isObject(t) && isObject(t.stream) ? t.stream : null;
  if (!meta) throw new OfferingError(`Transcode ${tid} of stream ${name} is missing`);
  const duration = isObject(meta.duration) ? meta.duration : {};
  return { codec_type: codecOf(meta.codec_type, `Stream ${name}`), parts: partsOf(meta.sources, duration.time_base, `Stream ${name}`) };
}

/** A legacy VOD stream: `offerings/default/media_struct/streams/<name>` holds the parts itself. */
export function legacyStream(mediaStruct: unknown, name: string): FabricStream | null {
  if (!isObject(mediaStruct)) return null;
  const s = mediaStruct[name];
  if (!isObject(s)) return null;
  const duration = isObject(s.duration) ? s.duration : {};
  return { codec_type: codecOf(s.codec_type, `Stream ${name}`), parts: partsOf(s.sources, duration.time_base, `Stream ${name}`) };
}

const IMAGE = /\.(png|jpe?g|webp|gif)$/i;

/**
 * Image assets: each entry of `assets` links a file (`{"file": {"/": "./files/<path>"}}`); the
 * asset's name is the path under files/, as Eluvio's tagger names it. Other files are left out.
 */
export function imageAssets(assets: unknown): string[] {
  if (!isObject(assets)) return [];
  const paths: string[] = [];
  for (const a of Object.values(assets)) {
    const link = isObject(a) && isObject(a.file) ? a.file["/"] : undefined;
    if (typeof link !== "string" || !link.startsWith("./files/")) continue;
    const path = link.slice("./files/".length);
    if (path && IMAGE.test(path)) paths.push(path);
  }
  return [...new Set(paths)].sort();
}

/** Information a live segment's `X-Content-Fabric-Segment-Info` header carries (base64 JSON). */
export interface LiveSegmentInfo {
  seg_num: number;
  seg_offset_millis: number;
  actual_duration: number;
  seg_time_epoch_millis: number;
}

export function parseSegmentInfo(header: string | null): LiveSegmentInfo {
  if (!header) throw new OfferingError("the segment has no X-Content-Fabric-Segment-Info header");
  let info: Json;
  try {
    info = JSON.parse(atob(header)) as Json;
  } catch {
    throw new OfferingError("the segment's X-Content-Fabric-Segment-Info header is not base64 JSON");
  }
  const n = (k: string) => {
    const v = info[k];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new OfferingError(`the segment info has no number ${k}`);
    return v;
  };
  return { seg_num: n("seg_num"), seg_offset_millis: n("seg_offset_millis"), actual_duration: n("actual_duration"), seg_time_epoch_millis: n("seg_time_epoch_millis") };
}
