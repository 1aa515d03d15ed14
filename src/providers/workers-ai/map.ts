import { imageSize } from "image-size";
import type { ProviderTag } from "../types";

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** A sampled frame: where it sits in the part, and its bytes. */
export interface Frame {
  idx: number;
  start_ms: number;
  end_ms: number;
  bytes: Uint8Array;
}

export interface WhisperOutput {
  text: string;
  transcription_info?: { language?: string };
  segments?: Array<{ start?: number; end?: number; text?: string; avg_logprob?: number; no_speech_prob?: number }>;
}

/** Whisper segments (seconds from the start of the audio it was given) to tags; the whole text when it gives none. */
export function whisperTags(out: WhisperOutput, durationMs: number): ProviderTag[] {
  const language = out.transcription_info?.language;
  const segments = (out.segments ?? []).filter((s) => (s.text ?? "").trim().length > 0);
  if (segments.length === 0) {
    const text = out.text.trim();
    return text ? [{ start_time: 0, end_time: durationMs, text, ...(language ? { additional_info: { language } } : {}) }] : [];
  }
  return segments.map((s) => {
    const start = Math.max(0, Math.round((s.start ?? 0) * 1000));
    return {
      start_time: Math.min(start, durationMs),
      end_time: Math.min(durationMs, Math.max(start, Math.round((s.end ?? s.start ?? 0) * 1000))),
      text: s.text!.trim(),
      additional_info: {
        // Whisper's mean log-probability of the segment's tokens, as a probability.
        ...(typeof s.avg_logprob === "number" ? { confidence: r4(Math.exp(s.avg_logprob)) } : {}),
        ...(typeof s.no_speech_prob === "number" ? { no_speech_prob: r4(s.no_speech_prob) } : {}),
        ...(language ? { language } : {}),
      },
    };
  });
}

export type DetrOutput = Array<{ score?: number; label?: string; box?: { xmin: number; ymin: number; xmax: number; ymax: number } }>;

/** DETR detections (boxes in pixels of the frame) to tags with boxes in fractions of the frame. */
export function detrTags(out: DetrOutput, frame: Frame, minScore: number): ProviderTag[] {
  const { width, height } = imageSize(frame.bytes);
  return out
    .filter((d) => d.label && typeof d.score === "number" && d.score >= minScore && d.box)
    .map((d) => ({
      start_time: frame.start_ms,
      end_time: frame.end_ms,
      text: d.label!,
      frame_info: {
        frame_idx: frame.idx,
        box: { x1: r4(d.box!.xmin / width), y1: r4(d.box!.ymin / height), x2: r4(d.box!.xmax / width), y2: r4(d.box!.ymax / height) },
      },
      additional_info: { confidence: r4(d.score!) },
    }));
}

export type ResnetOutput = Array<{ score?: number; label?: string }>;

export function resnetTags(out: ResnetOutput, frame: Frame, minScore: number, topK: number): ProviderTag[] {
  return out
    .filter((c) => c.label && typeof c.score === "number" && c.score >= minScore)
    .sort((a, b) => b.score! - a.score!)
    .slice(0, topK)
    .map((c) => ({ start_time: frame.start_ms, end_time: frame.end_ms, text: c.label!, frame_info: { frame_idx: frame.idx }, additional_info: { confidence: r4(c.score!) } }));
}

export function llavaTags(out: { description: string }, frame: Frame): ProviderTag[] {
  const text = out.description.trim();
  return text ? [{ start_time: frame.start_ms, end_time: frame.end_ms, text, frame_info: { frame_idx: frame.idx } }] : [];
}
