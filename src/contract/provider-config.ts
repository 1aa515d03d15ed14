/*
 * Who runs a job's model, as the job carries it (JobInit.providers) from the Worker to its
 * TagRunner and to the queue consumer; the catalog stores the same shapes.
 */

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
/**
 * What a Workers AI model does, which decides how a part becomes its input and its output
 * becomes tags (docs/providers.md lists each).
 */
export const WORKERS_AI_TASKS = [
  "speech-recognition",
  "object-detection",
  "image-classification",
  "image-to-text",
  "image-moderation",
  "translation",
  "speech-summary",
  "speech-topics",
] as const;
export type WorkersAiTask = (typeof WORKERS_AI_TASKS)[number];

export interface WorkersAiProviderConfig {
  kind: "workers-ai";
  name?: string;
  /** `@cf/...` */
  model: string;
  /** What the model does, for models the service does not know by id. */
  task?: WorkersAiTask;
  timeout_s?: number;
  concurrency?: number;
  cooldown_s?: number;
  callback_timeout_s?: undefined;
}

export type ProviderConfig = HttpProviderConfig | WorkersAiProviderConfig;
