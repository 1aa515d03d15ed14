import type { PartRef } from "../../contract/part";
import type { JobInit } from "../../contract/job";
import { bytesToBase64 } from "../../auth/token";
import type { WorkersAiProviderConfig } from "../../contract/provider-config";
import { type ProviderReply, ProviderError, type ProviderTag } from "../types";
import type { WorkersAiTask } from "../../contract/provider-config";
import { KNOWN_TASKS } from "./catalog";
import { runModel as run } from "./invoke";
import { moderationTags } from "./moderation";
import { speechSummary, speechTopics } from "./speech-text";
import { translatePart } from "./translate";
import { type DetrOutput, detrTags, type Frame, llavaTags, type ResnetOutput, resnetTags, type WhisperOutput, whisperTags } from "./map";
import { frameTimes, type PartBytes, partAudio, partFrame } from "./media";

export function taskOf(config: WorkersAiProviderConfig): WorkersAiTask | undefined {
  return config.task ?? KNOWN_TASKS[config.model];
}

/** Why the deployment cannot run this provider, or null when it can. */
export function workersAiUnavailable(env: Env, config: WorkersAiProviderConfig, modelType: string): string | null {
  if (!env.AI) return "the Workers AI binding (AI) is not configured in this deployment";
  // Images and texts reach the model as they are; video and audio go through Media Transformations.
  if (modelType !== "image" && modelType !== "text" && !env.MEDIA) return "the Media Transformations binding (MEDIA) is not configured in this deployment";
  if (!taskOf(config)) return `Workers AI model ${config.model} has no known task: set provider.task`;
  return null;
}

const num = (params: Record<string, unknown>, key: string, fallback: number) => (typeof params[key] === "number" ? (params[key] as number) : fallback);

/**
 * Runs a part through a Workers AI model: audio parts become M4A for Whisper, video parts become
 * JPEG frames sampled at `fps` (through Media Transformations), image assets go as they are.
 */
export async function callWorkersAi(env: Env, config: WorkersAiProviderConfig, init: JobInit, part: PartRef, bytes: PartBytes): Promise<ProviderReply> {
  const why = workersAiUnavailable(env, config, part.kind === "image" ? "image" : init.model_type);
  if (why) throw new ProviderError(why, false);
  const task = taskOf(config)!;
  const params = init.params.run_config;

  if (task === "translation" || task === "speech-summary" || task === "speech-topics") {
    const needs = task === "translation" ? "text" : "audio";
    if (part.kind === "image" || (needs === "text") !== (init.model_type === "text")) throw new ProviderError(`${task} needs ${needs}; model ${init.model} is of type ${init.model_type}`, false);
    const byTask = task === "translation" ? translatePart : task === "speech-summary" ? speechSummary : speechTopics;
    return { kind: "tags", tags: await byTask(env, config.model, params, part, bytes) };
  }

  if (task === "speech-recognition") {
    if (part.kind === "image") throw new ProviderError("Speech recognition needs audio, not an image", false);
    const audio = await partAudio(env, bytes, part);
    const language = typeof params.language === "string" ? { language: params.language } : {};
    const out = (await run(env, config.model, { audio: bytesToBase64(audio), task: "transcribe", vad_filter: true, ...language })) as WhisperOutput;
    return { kind: "tags", tags: whisperTags(out, part.duration_ms) };
  }

  const frames: Frame[] = [];
  if (part.kind === "image") {
    const obj = await env.BUCKET.get(bytes.key);
    if (!obj) throw new ProviderError(`Image ${bytes.key} is missing`, false);
    frames.push({ idx: 0, start_ms: 0, end_ms: 0, bytes: new Uint8Array(await obj.arrayBuffer()) });
  } else {
    const fps = num(params, "fps", 0.5);
    const times = frameTimes(part.duration_ms, fps);
    for (const [i, t] of times.entries()) {
      frames.push({ idx: i, start_ms: t, end_ms: Math.min(part.duration_ms, times[i + 1] ?? Math.round(t + 1000 / fps)), bytes: await partFrame(env, bytes, t) });
    }
  }
  const tags: ProviderTag[] = [];
  for (const frame of frames) {
    const image = [...frame.bytes];
    if (task === "object-detection") tags.push(...detrTags((await run(env, config.model, { image })) as DetrOutput, frame, num(params, "min_score", 0.5)));
    else if (task === "image-moderation") tags.push(...(await moderationTags(env, config.model, frame, num(params, "min_score", 0.5))));
    else if (task === "image-classification") tags.push(...resnetTags((await run(env, config.model, { image })) as ResnetOutput, frame, num(params, "min_score", 0.2), num(params, "top_k", 3)));
    else {
      const prompt = typeof params.prompt === "string" ? params.prompt : "Describe this image in one sentence.";
      tags.push(...llavaTags((await run(env, config.model, { image, prompt, max_tokens: num(params, "max_tokens", 96) })) as { description: string }, frame));
    }
  }
  return { kind: "tags", tags };
}
