import { franc } from "franc-min";
import { iso6393To1 } from "iso-639-3/iso6393-to-1.js";

/**
 * The language of a text as an ISO 639-1 code (what m2m100 takes), or null when it cannot be
 * told: franc-min's trigram model over the 82 languages with a million speakers or more. Below
 * 20 characters franc answers "und", which is honest for a one-word cue.
 */
export function detectLanguage(text: string): string | null {
  const code = franc(text, { minLength: 20 });
  return code === "und" ? null : (iso6393To1[code] ?? null);
}
