import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { models } from "../db/schema";
import { providersOf } from "./identity";
import { REFERENCE_MODELS } from "./reference-models";
import type { TrackInfo } from "../contract/provider-config";
import type { ModelDefinition } from "./types";
import { WORKERS_AI_MODELS } from "./workers-ai/catalog";
import { workersAiUnavailable } from "./workers-ai/run";

/** Why no provider of the model can run in this deployment, or null when one can. */
export function unavailableReason(env: Env, def: ModelDefinition): string | null {
  const reasons = providersOf(def).map((p) => (p.kind === "workers-ai" ? workersAiUnavailable(env, p, def.type) : null));
  return reasons.every((r) => r !== null) ? reasons[0]! : null;
}

/** Track names of the anchor's models; anything else writes to a track named after the model. */
const KNOWN_TRACKS: Record<string, TrackInfo> = {
  asr: { name: "speech_to_text", label: "Speech to Text" },
  celeb: { name: "celebrity_detection", label: "Celebrity Detection" },
  shot: { name: "shot_detection", label: "Shot Detection" },
  black: { name: "black_frames", label: "Black Frames" },
  ocr: { name: "ocr", label: "OCR" },
  caption: { name: "caption", label: "Caption" },
  object: { name: "object_detection", label: "Object Detection" },
  logo: { name: "logo_detection", label: "Logo Detection" },
};

const titleCase = (s: string) => s.replace(/[_-]+/g, " ").replace(/\b\w/g, (c) => c.toUpperCase());

export function defaultTracks(model: string): TrackInfo[] {
  return [KNOWN_TRACKS[model] ?? { name: model, label: titleCase(model) }];
}

/**
 * Models that come with the service: the reference provider's (offline, when
 * REFERENCE_PROVIDER_URL is set) and Workers AI's (available where the bindings are).
 */
export function builtinModels(env: Env): ModelDefinition[] {
  const byName = new Map<string, ModelDefinition>(WORKERS_AI_MODELS.map((m) => [m.name, m]));
  for (const ref of referenceModels(env)) {
    const cloud = byName.get(ref.name);
    // A model both serve (speech to text) prefers Workers AI where it runs and falls back to the
    // reference provider, which also makes it work offline.
    byName.set(ref.name, cloud ? mergeFallback(cloud, ref) : ref);
  }
  return [...byName.values()];
}

/** A Workers AI model with the reference provider's model of the same name as its fallback; each keeps its own gateway features. */
function mergeFallback(cloud: ModelDefinition, ref: ModelDefinition): ModelDefinition {
  const only = (def: ModelDefinition, provider: string) => (def.gateway ?? []).map((g) => ({ ...g, provider }));
  return {
    ...cloud,
    description: `${cloud.description}; offline: ${ref.description}`,
    providers: [...providersOf(cloud), ref.provider],
    gateway: [...only(cloud, "workers-ai"), ...only(ref, "reference")],
  };
}

/** The model's providers that can run in this deployment (Workers AI needs its bindings), in preference order. */
export function runnableProviders(env: Env, def: ModelDefinition) {
  return providersOf(def).filter((p) => p.kind !== "workers-ai" || workersAiUnavailable(env, p, def.type) === null);
}

function referenceModels(env: Env): ModelDefinition[] {
  if (!env.REFERENCE_PROVIDER_URL) return [];
  return REFERENCE_MODELS.map((m) => ({
    name: m.name,
    description: m.description,
    type: m.type,
    tag_tracks: [m.track],
    provider: { kind: "http", name: "reference", url: env.REFERENCE_PROVIDER_URL },
    default_params: m.defaults,
    params_schema: m.params_schema,
    boundary: m.boundary,
    builtin: true,
    ...(m.gateway ? { gateway: m.gateway } : {}),
  }));
}

/** The whole catalog: built-ins, with entries stored by system admins taking precedence by name. */
export async function listModels(env: Env, d: Db): Promise<ModelDefinition[]> {
  const stored = await d.select().from(models);
  const byName = new Map(builtinModels(env).map((m) => [m.name, m]));
  for (const row of stored) byName.set(row.name, JSON.parse(row.spec) as ModelDefinition);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export async function findModel(env: Env, d: Db, name: string): Promise<ModelDefinition | undefined> {
  const row = (await d.select().from(models).where(eq(models.name, name)).limit(1))[0];
  if (row) return JSON.parse(row.spec) as ModelDefinition;
  return builtinModels(env).find((m) => m.name === name);
}

export async function putModel(d: Db, def: ModelDefinition): Promise<void> {
  const spec = JSON.stringify(def);
  await d.insert(models).values({ name: def.name, spec, updated_at: Date.now() }).onConflictDoUpdate({ target: models.name, set: { spec, updated_at: Date.now() } });
}

export async function deleteStoredModel(d: Db, name: string): Promise<boolean> {
  return (await d.delete(models).where(eq(models.name, name)).returning({ n: models.name })).length > 0;
}
