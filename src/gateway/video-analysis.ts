import { MODERATION_LABELS } from "../contract/moderation";
import type { GatewayJobRow } from "../db/gateway-jobs";
import type { JobRow } from "../db/schema";
import { mp4DurationMs } from "../sources/mp4";
import { mp4MovieOf } from "../sources/registry";
import { exportTags, type ExportTag } from "../tagstore/export";

/** The seed's ten video-analysis features. */
export const ANALYSIS_FEATURES = ["labels", "scenes", "faces", "speech_to_text", "ocr", "content_moderation", "sentiment", "topics", "brands", "summary"] as const;
export type AnalysisFeature = (typeof ANALYSIS_FEATURES)[number];
/** Features whose result is one object rather than a list (null when the feature failed). */
const OBJECT_FEATURES: AnalysisFeature[] = ["content_moderation", "sentiment", "summary"];

export interface AnalysisOptions {
  language: string;
  confidence_threshold: number;
  priority: "low" | "standard" | "high";
}

/** A feature's engine job: the model that serves it, the job and the track it writes. */
export interface FeatureJob {
  feature: string;
  model: string;
  job_id: string;
  track: string;
}

const seconds = (ms: number) => Math.round(ms) / 1000;
const confidenceOf = (t: ExportTag): number | null => {
  const info = t.additional_info ? (JSON.parse(t.additional_info) as { confidence?: unknown }) : {};
  return typeof info.confidence === "number" ? info.confidence : null;
};

async function trackTags(env: Env, row: GatewayJobRow, track: string): Promise<ExportTag[]> {
  const out: ExportTag[] = [];
  for await (const page of exportTags(env, { tenant: row.tenant_id, qid: row.content_qid }, track)) out.push(...page);
  return out.sort((a, b) => a.start_time - b.start_time || a.end_time - b.end_time);
}

/**
 * Detections as the seed's timed instances, per normalised text: the engine has already joined
 * a text seen on consecutive samples into one tag, so each tag is an instance. Detections below
 * the threshold are left out; a text's confidence is its best instance's.
 */
function byText(tags: ExportTag[], threshold: number) {
  const groups = new Map<string, Array<{ start: number; end: number; confidence: number }>>();
  for (const t of tags) {
    const confidence = confidenceOf(t) ?? 1;
    if (confidence < threshold) continue;
    const text = t.text.trim().replace(/\s+/g, " ");
    if (!text) continue;
    const list = groups.get(text) ?? [];
    list.push({ start: seconds(t.start_time), end: seconds(t.end_time), confidence: Math.round(confidence * 1000) / 1000 });
    groups.set(text, list);
  }
  return [...groups.entries()]
    .map(([text, instances]) => ({ text, confidence: Math.max(...instances.map((i) => i.confidence)), instances }))
    .sort((a, b) => b.confidence - a.confidence || a.text.localeCompare(b.text));
}

/** The seed's sentiment: per segment, and overall as the duration-weighted mean (> 0.05 positive, < -0.05 negative). */
function sentimentResult(tags: ExportTag[]) {
  const instances = tags.map((t) => {
    const info = t.additional_info ? (JSON.parse(t.additional_info) as { score?: unknown }) : {};
    return { start: seconds(t.start_time), end: seconds(t.end_time), label: t.text, score: typeof info.score === "number" ? info.score : 0 };
  });
  const weight = instances.reduce((w, i) => w + Math.max(0.001, i.end - i.start), 0);
  const score = instances.length ? Math.round((instances.reduce((t, i) => t + i.score * Math.max(0.001, i.end - i.start), 0) / weight) * 1000) / 1000 : 0;
  return { overall: score > 0.05 ? "positive" : score < -0.05 ? "negative" : "neutral", score, instances };
}

/**
 * The seed's content_moderation: the labels seen at or above the threshold, each with its
 * instances; safe when there are none. `checked_labels` says what was looked for, so "safe" is
 * never claimed about a label no model checks.
 */
function moderationResult(tags: ExportTag[], threshold: number) {
  const signals = byText(tags, threshold)
    .filter((s) => (MODERATION_LABELS as readonly string[]).includes(s.text))
    .map(({ text, confidence, instances }) => ({ label: text, confidence, instances }));
  return { is_safe: signals.length === 0, signals, checked_labels: [...MODERATION_LABELS] };
}

const CODECS: Record<string, string> = { avc1: "h264", avc3: "h264", hvc1: "hevc", hev1: "hevc", av01: "av1", vp09: "vp9" };

/** The seed's video_metadata, from the movie header of the media's copy in R2 (HLS: format and duration only). */
async function videoMetadata(env: Env, row: GatewayJobRow) {
  const url = (JSON.parse(row.input) as { url: string }).url;
  if (/\.m3u8(\?|$)/i.test(url)) return { format: "hls" };
  const movie = await mp4MovieOf(env, row.content_qid, "video", url);
  const video = movie.videoTracks[0];
  const frames = video ? video.nb_samples / (video.duration / video.timescale) : null;
  return {
    duration: seconds(mp4DurationMs(movie)),
    ...(video ? { width: video.video?.width ?? video.track_width, height: video.video?.height ?? video.track_height } : {}),
    ...(frames ? { frame_rate: Math.round(frames * 1000) / 1000 } : {}),
    format: movie.brands.includes("qt  ") ? "mov" : "mp4",
    ...(video ? { codec: CODECS[video.codec.slice(0, 4)] ?? video.codec.split(".")[0] } : {}),
  };
}

/**
 * The seed's video-analysis Result, from the tag store: every requested feature's key, and
 * `video_metadata`. A feature whose engine job failed is present and empty (`[]`, or null for
 * the object features); the job's warnings say why.
 */
export async function analysisResult(env: Env, row: GatewayJobRow, failed: Set<string>) {
  const options = JSON.parse(row.options) as AnalysisOptions;
  const features = (JSON.parse(row.input) as { features: AnalysisFeature[] }).features;
  const jobs = JSON.parse(row.engine_jobs) as FeatureJob[];
  const result: Record<string, unknown> = {};
  for (const feature of features) {
    const job = jobs.find((j) => j.feature === feature)!;
    if (failed.has(job.job_id)) {
      result[feature] = OBJECT_FEATURES.includes(feature) ? null : [];
      continue;
    }
    const tags = await trackTags(env, row, job.track);
    if (feature === "scenes") result.scenes = tags.map((t, index) => ({ index, start: seconds(t.start_time), end: seconds(t.end_time) }));
    else if (feature === "ocr") result.ocr = byText(tags, options.confidence_threshold).map(({ text, confidence, instances }) => ({ text, confidence, language: "en", instances }));
    else if (feature === "speech_to_text") {
      result.speech_to_text = tags
        .filter((t) => t.text.trim())
        .map((t) => {
          const info = t.additional_info ? (JSON.parse(t.additional_info) as { language?: unknown; confidence?: unknown }) : {};
          return {
            start: seconds(t.start_time),
            end: seconds(t.end_time),
            text: t.text.trim(),
            language: typeof info.language === "string" ? info.language : options.language,
            ...(typeof info.confidence === "number" ? { confidence: info.confidence } : {}),
          };
        });
    } else if (feature === "sentiment") result.sentiment = sentimentResult(tags);
    else if (feature === "content_moderation") result.content_moderation = moderationResult(tags, options.confidence_threshold);
    else if (feature === "summary") result.summary = tags.map((t) => t.text.trim()).filter(Boolean).join(" ");
    else if (feature === "topics") result.topics = byText(tags, options.confidence_threshold).slice(0, 10).map(({ text, confidence, instances }) => ({ name: text, confidence, instances }));
    else result[feature] = byText(tags, options.confidence_threshold).map(({ text, confidence, instances }) => ({ name: text, confidence, instances }));
  }
  return { video_metadata: await videoMetadata(env, row), ...result };
}

/** What the client should know besides the result: failed features, speech without speakers, text features with no speech to read. */
export function analysisWarnings(row: GatewayJobRow, failed: JobRow[], result?: Record<string, unknown>) {
  const jobs = JSON.parse(row.engine_jobs) as FeatureJob[];
  const warnings: Array<{ code: string; message: string; feature?: string }> = [];
  for (const f of failed) {
    for (const j of jobs.filter((x) => x.job_id === f.id)) warnings.push({ code: "FEATURE_FAILED", feature: j.feature, message: f.error ?? f.last_warning ?? "The feature's model failed" });
  }
  if (jobs.some((j) => j.feature === "speech_to_text")) warnings.push({ code: "DIARIZATION_UNAVAILABLE", feature: "speech_to_text", message: "No provider of this deployment identifies speakers: speaker_id is left out" });
  const silent = (f: string) => result && failed.every((x) => !jobs.some((j) => j.feature === f && j.job_id === x.id));
  if (silent("sentiment") && (result!.sentiment as { instances?: unknown[] } | undefined)?.instances?.length === 0) warnings.push({ code: "NO_SPEECH", feature: "sentiment", message: "No speech was heard: the sentiment is neutral by default" });
  if (silent("summary") && result!.summary === "") warnings.push({ code: "NO_SPEECH", feature: "summary", message: "No speech was heard: there is nothing to summarise" });
  return warnings.slice(0, 20);
}
