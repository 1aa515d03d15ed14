import type { PartRef } from "../../contract/part";
import type { TextPart } from "../../sources/text-document";
import { ProviderError, type ProviderTag } from "../types";
import { runModel } from "./invoke";
import { detectLanguage } from "./language";
import type { PartBytes } from "./media";

export interface M2m100Output {
  translated_text?: string;
}

/** m2m100 takes ISO 639-1 codes: the primary subtag of a BCP 47 tag. */
export const primaryLanguage = (bcp47: string) => bcp47.split("-")[0]!.toLowerCase();

/**
 * Translates a text part segment by segment (a subtitle cue stays a cue, with its times). With
 * `source_language: auto` the part's whole text decides the language, so short cues are not
 * guessed one by one; a part whose language cannot be told is read as English (m2m100's own
 * default). Each tag says which language it was read as.
 */
export async function translatePart(env: Env, model: string, params: Record<string, unknown>, part: PartRef, bytes: PartBytes): Promise<ProviderTag[]> {
  const obj = await env.BUCKET.get(bytes.key);
  if (!obj) throw new ProviderError(`Text part ${bytes.key} is missing`, false);
  const body = (await obj.json()) as TextPart;
  const target = typeof params.target_language === "string" ? primaryLanguage(params.target_language) : null;
  if (!target) throw new ProviderError("model_params.target_language is required", false);
  const asked = typeof params.source_language === "string" && params.source_language !== "auto" ? primaryLanguage(params.source_language) : null;
  const detected = asked ? null : detectLanguage(body.segments.map((s) => s.text).join("\n"));
  const source = asked ?? detected ?? "en";
  const tags: ProviderTag[] = [];
  for (const s of body.segments) {
    const out = source === target ? { translated_text: s.text } : ((await runModel(env, model, { text: s.text, source_lang: source, target_lang: target })) as M2m100Output);
    if (typeof out.translated_text !== "string") throw new ProviderError(`${model} answered no translated_text`, true);
    tags.push({
      start_time: s.start_ms - part.start_ms,
      end_time: s.end_ms - part.start_ms,
      text: out.translated_text,
      additional_info: { source_language: source, ...(asked ? {} : { detected: detected !== null }), characters: [...s.text].length, ...(s.after ? { after: s.after } : {}) },
    });
  }
  return tags;
}
