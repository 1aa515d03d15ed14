import type { ModelType } from "../jobs/options";

export interface TrackInfo {
  name: string;
  label: string;
}

export interface HttpProviderConfig {
  kind: "http";
  /** The provider's id in GET /providers; by default `http:` and its URL. */
  name?: string;
  url: string;
  timeout_s?: number;
  concurrency?: number;
  /** How long a part answered with 202 may wait for its callback before it is tried again. */
  callback_timeout_s?: number;
  /** How long the provider is skipped after it kept failing, before a trial call. */
  cooldown_s?: number;
}

/** A model on Cloudflare's GPUs, through the Worker's AI binding. */
export interface WorkersAiProviderConfig {
  kind: "workers-ai";
  name?: string;
  /** `@cf/...` */
  model: string;
  /** What the model does, for models the service does not know by id. */
  task?: "speech-recognition" | "object-detection" | "image-classification" | "image-to-text";
  timeout_s?: number;
  concurrency?: number;
  cooldown_s?: number;
  callback_timeout_s?: undefined;
}

export type ProviderConfig = HttpProviderConfig | WorkersAiProviderConfig;

/** A catalog entry: what a model is and who runs it. */
export interface ModelDefinition {
  name: string;
  description: string;
  type: ModelType;
  tag_tracks: TrackInfo[];
  /** The preferred provider (the first of `providers`). */
  provider: ProviderConfig;
  /** Every provider in preference order; absent in entries stored before fallbacks existed. */
  providers?: ProviderConfig[];
  default_params?: Record<string, unknown>;
  /** JSON Schema of `model_params`; jobs whose params break it are refused. */
  params_schema?: Record<string, unknown>;
  builtin?: boolean;
}

/** A tag as a provider returns it: times in ms relative to the part. */
export interface ProviderTag {
  start_time: number;
  end_time: number;
  text: string;
  track?: string;
  frame_info?: { frame_idx: number; box?: { x1: number; y1: number; x2: number; y2: number } };
  additional_info?: Record<string, unknown>;
}

/** What the provider protocol sends (see docs/providers.md). */
export interface ProviderRequest {
  model: string;
  params: Record<string, unknown>;
  media: {
    url: string;
    kind: "video" | "audio" | "image" | "range";
    content_type: string;
    start_ms: number;
    duration_ms: number;
  };
  /** Where a provider that answers 202 posts the part's result later (single use, expiring). */
  callback_url?: string;
}

/** A provider either answers the part's tags or accepts it and calls back later. */
export type ProviderReply = { kind: "tags"; tags: ProviderTag[] } | { kind: "accepted" };

export class ProviderError extends Error {
  constructor(message: string, readonly transient: boolean) {
    super(message);
  }
}

export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_TIMEOUT_S = 120;
export const DEFAULT_CALLBACK_TIMEOUT_S = 3600;
/** How long a part waits for a free slot at a busy provider before it is put back for later. */
export const SLOT_WAIT_MS = 10_000;
