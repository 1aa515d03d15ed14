import type { Priority } from "../contract/priority";
import { badRequest } from "../errors";
import { defaultAudioStream, type StreamInfo } from "./stream";

/** `text`: a model over a text document (a translation), read in chunks of whole segments. */
export type ModelType = "frame" | "video" | "audio" | "processor" | "text";
export type ScopeType = "video" | "processor" | "assets" | "livestream";

/** A scope as a client may write it: any layer may leave out any key, `type` included. */
export type ScopeInput = { type?: ScopeType } & Record<string, unknown>;

export interface OptionsInput {
  destination_qid?: string;
  replace?: boolean;
  max_fetch_retries?: number;
  scope?: ScopeInput;
  priority?: Priority;
}

export type Scope =
  | { type: "video"; start_time: number; end_time: number | null; stream: string }
  | { type: "processor"; start_time: number; end_time: number | null; chunk_size: number; stream: string }
  | { type: "assets"; assets: string[] | null }
  | { type: "livestream"; stream: string; segment_length: number; max_duration: number | null };

export interface EffectiveOptions {
  destination_qid: string;
  replace: boolean;
  max_fetch_retries: number;
  scope: Scope;
}

export const DEFAULT_OPTIONS = { destination_qid: "", replace: false, max_fetch_retries: 3 } as const;

const SCOPE_KEYS: Record<ScopeType, readonly string[]> = {
  video: ["type", "start_time", "end_time", "stream"],
  processor: ["type", "start_time", "end_time", "chunk_size", "stream"],
  assets: ["type", "assets"],
  livestream: ["type", "stream", "segment_length", "max_duration"],
};

export interface ContentFacts {
  qid: string;
  live: boolean;
  /** Why its playlist could not be read, when it could not. */
  live_unreadable?: string | null;
  streams: StreamInfo[];
}

export interface ModelFacts {
  name: string;
  type: ModelType;
}

/** The scope type a model gets on a content when the request names none. */
export function defaultScopeType(model: ModelFacts, content: ContentFacts): ScopeType {
  if (content.live) return "livestream";
  if (model.type === "processor") return "processor";
  return "video";
}

/** Audio models take the content's default audio stream, text models its `text` stream; everything else takes `video`. */
export function defaultStream(model: ModelFacts, content: ContentFacts): string {
  if (model.type === "text") return "text";
  if (model.type === "audio") {
    const audio = defaultAudioStream(content.streams);
    if (audio) return audio;
    if (!content.live) throw badRequest(`Content ${content.qid} has no audio stream for audio model ${model.name}`);
  }
  return "video";
}

function scopeDefaults(type: ScopeType, stream: string): Scope {
  switch (type) {
    case "video":
      return { type, start_time: 0, end_time: null, stream };
    case "processor":
      return { type, start_time: 0, end_time: null, chunk_size: 600, stream };
    case "assets":
      return { type, assets: null };
    case "livestream":
      return { type, stream, segment_length: 4, max_duration: null };
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Objects merge key by key, recursively; anything else (arrays included) is replaced. */
export function deepMerge<T extends Record<string, unknown>>(base: T, over: Record<string, unknown> | undefined): T {
  if (!over) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out as T;
}

/**
 * Effective options of one job: defaults ← options ← overrides, the scope deep-merged in the
 * same order over the model's default scope. Throws a 400 for a scope the model or content
 * cannot take.
 */
export function effectiveOptions(
  model: ModelFacts,
  content: ContentFacts,
  options: OptionsInput | undefined,
  overrides: OptionsInput | undefined,
): EffectiveOptions {
  const flat = deepMerge(deepMerge({ ...DEFAULT_OPTIONS } as Record<string, unknown>, withoutScope(options)), withoutScope(overrides));
  const type: ScopeType = overrides?.scope?.type ?? options?.scope?.type ?? defaultScopeType(model, content);
  if (!(type in SCOPE_KEYS)) throw badRequest(`Unknown scope type: ${String(type)}`);
  // A layer that names another scope type than the one that wins does not apply.
  const layers = [options?.scope, overrides?.scope].filter((s) => s && (s.type === undefined || s.type === type));
  let merged: Record<string, unknown> = scopeDefaults(type, "") as unknown as Record<string, unknown>;
  for (const layer of layers) merged = deepMerge(merged, layer);
  for (const key of Object.keys(merged)) {
    if (!SCOPE_KEYS[type].includes(key)) throw badRequest(`Unknown key '${key}' in ${type} scope`);
  }
  const scope = merged as unknown as Scope;
  checkScope(model, content, scope);
  if ("stream" in scope && !scope.stream) scope.stream = defaultStream(model, content);
  if ("stream" in scope && !content.streams.some((s) => s.name === scope.stream)) {
    throw badRequest(`Stream '${scope.stream}' not found in content ${content.qid}`);
  }
  return {
    destination_qid: flat.destination_qid as string,
    replace: flat.replace as boolean,
    max_fetch_retries: flat.max_fetch_retries as number,
    scope,
  };
}

function withoutScope(o: OptionsInput | undefined): Record<string, unknown> | undefined {
  if (!o) return undefined;
  const { scope: _scope, ...rest } = o;
  return rest;
}

function checkScope(model: ModelFacts, content: ContentFacts, scope: Scope): void {
  const num = (v: unknown, name: string, opts: { nullable?: boolean; positive?: boolean } = {}) => {
    if (v === null && opts.nullable) return;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (opts.positive && v === 0)) {
      throw badRequest(`Scope field '${name}' must be a ${opts.positive ? "positive" : "non-negative"} number${opts.nullable ? " or null" : ""}`);
    }
  };
  switch (scope.type) {
    case "video":
    case "processor":
      if (content.live) throw badRequest(`Content ${content.qid} is live: use the livestream scope`);
      if (scope.type === "processor" && model.type !== "processor") throw badRequest(`${model.name} is not a processor model`);
      if (scope.type === "video" && model.type === "processor") throw badRequest(`${model.name} is a processor model: use the processor scope`);
      num(scope.start_time, "start_time");
      num(scope.end_time, "end_time", { nullable: true });
      if (scope.end_time !== null && scope.end_time <= scope.start_time) throw badRequest("Scope end_time must be greater than start_time");
      if (scope.type === "processor") num(scope.chunk_size, "chunk_size", { positive: true });
      if (typeof scope.stream !== "string") throw badRequest("Scope field 'stream' must be a string");
      return;
    case "assets":
      if (model.type !== "frame") throw badRequest(`${model.name} is not frame-level`);
      if (scope.assets !== null && (!Array.isArray(scope.assets) || scope.assets.some((a) => typeof a !== "string"))) {
        throw badRequest("Scope field 'assets' must be a list of asset paths");
      }
      return;
    case "livestream":
      if (model.type === "processor") throw badRequest(`${model.name} is a processor model and cannot tag live content`);
      if (!content.live && content.live_unreadable) throw badRequest(`The playlist of content ${content.qid} cannot be read, so it cannot be tagged live: ${content.live_unreadable}`, "SOURCE_UNREADABLE");
      if (!content.live) throw badRequest(`Content ${content.qid} is not live: the livestream scope needs live content`);
      num(scope.segment_length, "segment_length", { positive: true });
      num(scope.max_duration, "max_duration", { nullable: true, positive: true });
      return;
  }
}
