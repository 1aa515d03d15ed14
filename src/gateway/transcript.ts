import { exportTags, srtCue, vttCue } from "../tagstore/export";

export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
  confidence?: number;
}

export interface Transcript {
  segments: TranscriptSegment[];
  /** Whole transcript: the segments joined with single spaces. */
  text: string;
  /** Where the last segment ends (ms). */
  end_ms: number;
  /** The language the model reported, when it did. */
  language: string | null;
}

const seconds = (ms: number) => Math.round(ms) / 1000;

/** A gateway content's speech track, from the tag store, in time order. */
export async function readTranscript(env: Env, content: { tenant: string; qid: string }, track = "speech_to_text"): Promise<Transcript> {
  const segments: TranscriptSegment[] = [];
  let end = 0;
  let language: string | null = null;
  for await (const page of exportTags(env, content, track)) {
    for (const t of page) {
      const info = t.additional_info ? (JSON.parse(t.additional_info) as { confidence?: unknown; language?: unknown }) : {};
      if (typeof info.language === "string" && !language) language = info.language;
      segments.push({ start: seconds(t.start_time), end: seconds(t.end_time), text: t.text.trim(), ...(typeof info.confidence === "number" ? { confidence: info.confidence } : {}) });
      end = Math.max(end, t.end_time);
    }
  }
  return { segments, text: segments.map((s) => s.text).filter(Boolean).join(" "), end_ms: end, language };
}

/** SubRip or WebVTT text of the segments: one cue each, numbered from 1 (the tag exports' cue rules); `lines`: keep each cue's line breaks. */
export function subtitles(segments: TranscriptSegment[], format: "srt" | "vtt", lines = false): string {
  const cues = segments.map((s, i) => {
    const tag = { start_time: Math.round(s.start * 1000), end_time: Math.round(s.end * 1000), text: s.text };
    return format === "vtt" ? vttCue(tag, i + 1, lines) : srtCue(tag, i + 1, lines);
  });
  return (format === "vtt" ? "WEBVTT\n\n" : "") + cues.join("");
}
