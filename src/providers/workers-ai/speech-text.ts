import { bytesToBase64 } from "../../auth/token";
import type { PartRef } from "../../contract/part";
import { ProviderError, type ProviderTag } from "../types";
import { runModel } from "./invoke";
import { type WhisperOutput, whisperTags } from "./map";
import { partAudio, type PartBytes } from "./media";

/*
 * Summary and topics on Workers AI: the part's speech through Whisper, then its transcript
 * through a text-generation model (the provider entry's `model`). A part with no speech has no
 * tags and costs no text-generation call.
 */

export const WHISPER_MODEL = "@cf/openai/whisper-large-v3-turbo";

export interface TextGenerationOutput {
  /** A string, or in JSON mode the object the schema asked for (already parsed). */
  response?: string | Record<string, unknown>;
}

const TOPICS_SCHEMA = {
  type: "object",
  properties: {
    topics: {
      type: "array",
      items: { type: "object", properties: { name: { type: "string" }, confidence: { type: "number" } }, required: ["name", "confidence"] },
    },
  },
  required: ["topics"],
};

async function speechOf(env: Env, bytes: PartBytes, part: PartRef, params: Record<string, unknown>): Promise<ProviderTag[]> {
  const audio = await partAudio(env, bytes, part);
  const language = typeof params.language === "string" ? { language: params.language } : {};
  const out = (await runModel(env, WHISPER_MODEL, { audio: bytesToBase64(audio), task: "transcribe", vad_filter: true, ...language })) as WhisperOutput;
  return whisperTags(out, part.duration_ms);
}

/** The JSON a text-generation model answered: parsed already in JSON mode, else the first object in its text. */
export function jsonResponse(out: TextGenerationOutput, model: string): Record<string, unknown> {
  if (out.response && typeof out.response === "object") return out.response;
  const text = typeof out.response === "string" ? out.response : "";
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  try {
    if (start >= 0 && end > start) return JSON.parse(text.slice(start, end + 1)) as Record<string, unknown>;
  } catch {
    // Falls through to the error below: a model that rambles may do better next time.
  }
  throw new ProviderError(`${model} answered no JSON object`, true);
}

const clamp01 = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000 : 0.5);

/** One tag over the part's speech: what is said, summarised in at most `sentences` sentences. */
export async function speechSummary(env: Env, model: string, params: Record<string, unknown>, part: PartRef, bytes: PartBytes): Promise<ProviderTag[]> {
  const speech = await speechOf(env, bytes, part, params);
  if (!speech.length) return [];
  const sentences = typeof params.sentences === "number" ? params.sentences : 2;
  const out = (await runModel(env, model, {
    messages: [
      { role: "system", content: `You summarise what is said in a piece of a video. Answer with the summary only, in at most ${sentences} sentences, in the language of the transcript.` },
      { role: "user", content: speech.map((s) => s.text).join(" ") },
    ],
    max_tokens: 64 * sentences,
  })) as TextGenerationOutput;
  const text = typeof out.response === "string" ? out.response.trim() : "";
  if (!text) throw new ProviderError(`${model} answered no summary`, true);
  return [{ start_time: speech[0]!.start_time, end_time: speech[speech.length - 1]!.end_time, text }];
}

/** The part's key topics (at most `max_topics`), each tagged over the segments that mention it, else over all its speech. */
export async function speechTopics(env: Env, model: string, params: Record<string, unknown>, part: PartRef, bytes: PartBytes): Promise<ProviderTag[]> {
  const speech = await speechOf(env, bytes, part, params);
  if (!speech.length) return [];
  const max = typeof params.max_topics === "number" ? params.max_topics : 10;
  const out = (await runModel(env, model, {
    messages: [
      { role: "system", content: `List the key topics and keywords of this transcript of a piece of a video: at most ${max}, each a short noun phrase with a confidence from 0 to 1.` },
      { role: "user", content: speech.map((s) => s.text).join(" ") },
    ],
    response_format: { type: "json_schema", json_schema: TOPICS_SCHEMA },
    max_tokens: 40 * max,
  })) as TextGenerationOutput;
  const topics = jsonResponse(out, model).topics;
  if (!Array.isArray(topics)) throw new ProviderError(`${model} answered no topics list`, true);
  const all = { start_time: speech[0]!.start_time, end_time: speech[speech.length - 1]!.end_time };
  return topics
    .filter((t): t is { name: string; confidence?: unknown } => typeof t === "object" && t !== null && typeof (t as { name?: unknown }).name === "string" && (t as { name: string }).name.trim() !== "")
    .slice(0, max)
    .flatMap((t) => {
      const name = t.name.trim().toLowerCase();
      const where = speech.filter((s) => s.text.toLowerCase().includes(name));
      return (where.length ? where : [all]).map((s) => ({ start_time: s.start_time, end_time: s.end_time, text: name, additional_info: { confidence: clamp01(t.confidence) } }));
    });
}
