import { extract } from "keyword-extractor";
import Sentiment from "sentiment";

/*
 * Text models over a transcript (English): sentiment from the AFINN-165 lexicon (`sentiment`),
 * keywords with stop words removed (`keyword-extractor`), and an extractive summary (the
 * sentences whose words the text uses most).
 */

const afinn = new Sentiment();

export interface SentimentScore {
  /** In [-1, 1]: AFINN's per-word score (-5..5) divided by 2, clamped. */
  score: number;
  label: "positive" | "neutral" | "negative";
}

const clamp = (x: number) => Math.max(-1, Math.min(1, x));
export const labelOf = (score: number): SentimentScore["label"] => (score > 0.05 ? "positive" : score < -0.05 ? "negative" : "neutral");

export function sentimentOf(text: string): SentimentScore {
  const { comparative } = afinn.analyze(text);
  const score = Math.round(clamp(comparative / 2) * 1000) / 1000;
  return { score, label: labelOf(score) };
}

/** Content words of the texts with how often each occurs, most frequent first (ties: first seen). */
export function keywords(texts: string[], limit = 10): Array<{ word: string; count: number }> {
  const counts = new Map<string, number>();
  for (const t of texts) {
    for (const w of extract(t, { language: "english", remove_digits: true, return_changed_case: true, remove_duplicates: false })) {
      if (w.length < 3) continue;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .map(([word, count]) => ({ word, count }))
    .sort((a, b) => b.count - a.count)
    .slice(0, limit);
}

/**
 * The `max` sentences that best stand for the text, in their own order: each scored by the
 * mean frequency, over the whole text, of its content words.
 */
export function summarize(sentences: string[], max = 2): string {
  const freq = new Map(keywords(sentences, Number.MAX_SAFE_INTEGER).map((k) => [k.word, k.count]));
  const scored = sentences.map((s, i) => {
    const words = extract(s, { language: "english", remove_digits: true, return_changed_case: true, remove_duplicates: false });
    const score = words.length ? words.reduce((t, w) => t + (freq.get(w) ?? 0), 0) / words.length : 0;
    return { s, i, score };
  });
  const best = scored
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, max)
    .sort((a, b) => a.i - b.i);
  return best.map((x) => x.s.trim()).join(". ");
}
