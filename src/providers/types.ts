import type { ProviderConfig, TrackInfo } from "../contract/provider-config";
import type { ModelType } from "../jobs/options";
import type { BoundaryKind } from "../contract/job";

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
  /** How its tags join across part boundaries; absent: none. */
  boundary?: BoundaryKind;
  /** What it offers the AI Gateway (GET /v1/providers, provider selection); absent: nothing. */
  gateway?: GatewayCapability[];
}

export type GatewayResource = "transcriptions" | "translations" | "video-analyses";

/**
 * One resource the model serves on the AI Gateway, with the seed's feature names
 * (transcriptions: language_detection, diarization, timestamps; video analyses: labels, scenes,
 * …). `provider`: only through that provider of the model (its gateway name); absent: all.
 */
export interface GatewayCapability {
  resource: GatewayResource;
  features: string[];
  provider?: string;
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
    kind: "video" | "audio" | "image" | "range" | "text";
    content_type: string;
    start_ms: number;
    duration_ms: number;
    /** A processor chunk of fabric content: the media parts it overlaps, each at its own URL, in order. */
    pieces?: Array<{ url: string; start_ms: number; duration_ms: number }>;
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
