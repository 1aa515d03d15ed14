import { MODERATION_LABELS } from "../../contract/moderation";
import { ProviderError, type ProviderTag } from "../types";
import { runModel } from "./invoke";
import type { Frame } from "./map";
import { jsonResponse, type TextGenerationOutput } from "./speech-text";


const PROMPT =
  `You review video frames for content moderation. Look at this frame and answer only with JSON of the form ` +
  `{"labels": [{"label": "...", "confidence": 0.0}]}, listing each of these labels that applies, with your confidence from 0 to 1: ` +
  `${MODERATION_LABELS.join(", ")}. Answer {"labels": []} when none applies.`;

/**
 * A vision-language model (the provider entry's `model`, Llama 3.2 Vision by default) asked
 * about each sampled frame: one tag per label it sees at or above `min_score`. Labels outside
 * the list are dropped, so an answer can never invent a category.
 */
export async function moderationTags(env: Env, model: string, frame: Frame, minScore: number): Promise<ProviderTag[]> {
  const out = (await runModel(env, model, { prompt: PROMPT, image: [...frame.bytes], max_tokens: 256, temperature: 0 })) as TextGenerationOutput;
  const labels = jsonResponse(out, model).labels;
  if (!Array.isArray(labels)) throw new ProviderError(`${model} answered no labels list`, true);
  return labels
    .filter((l): l is { label: string; confidence: number } => typeof l === "object" && l !== null && MODERATION_LABELS.includes((l as { label: never }).label) && typeof (l as { confidence?: unknown }).confidence === "number")
    .filter((l) => l.confidence >= minScore)
    .map((l) => ({ start_time: frame.start_ms, end_time: frame.end_ms, text: l.label, frame_info: { frame_idx: frame.idx }, additional_info: { confidence: Math.round(Math.min(1, l.confidence) * 10_000) / 10_000 } }));
}
