/**
 * What the reference provider's models are, as pure data: the provider serves them and the
 * Worker's built-in catalog lists them, so both read the same params schemas and defaults.
 */
export interface ReferenceModelSpec {
  name: string;
  /** How its tags join across part boundaries (BoundaryKind in src/contract/job.ts). */
  boundary: "cut" | "segment" | "stretch" | "none";
  type: "video" | "audio" | "frame";
  track: { name: string; label: string };
  description: string;
  /** JSON Schema (draft 2020-12) of `model_params`. */
  params_schema: Record<string, unknown>;
  defaults: Record<string, unknown>;
  /** What it offers the AI Gateway, in the seed's feature names. */
  gateway?: Array<{ resource: "transcriptions" | "translations" | "video-analyses"; features: string[] }>;
}

const schema = (properties: Record<string, unknown>) => ({ type: "object", properties, additionalProperties: false });
const language = { type: "string", pattern: "^[a-z]{2}$", description: "ISO 639-1 language of the audio; these models know en only" };
const englishOnly = (properties: Record<string, unknown>) => schema({ language, ...properties });

export const REFERENCE_MODELS: ReferenceModelSpec[] = [
  {
    name: "shot",
    boundary: "cut",
    type: "video",
    track: { name: "shot_detection", label: "Shot Detection" },
    description: "Shot boundaries from ffmpeg's scene-change score",
    params_schema: schema({ threshold: { type: "number", minimum: 0, maximum: 1, default: 0.3, description: "Scene score above which a frame starts a new shot" } }),
    defaults: { threshold: 0.3 },
    gateway: [{ resource: "video-analyses", features: ["scenes"] }],
  },
  {
    name: "ocr",
    boundary: "segment",
    type: "frame",
    track: { name: "ocr", label: "OCR" },
    description: "On-screen text of frames sampled at `fps` (tesseract.js, English)",
    params_schema: schema({
      fps: { type: "number", exclusiveMinimum: 0, maximum: 30, default: 1, description: "Frames sampled per second" },
      min_confidence: { type: "number", minimum: 0, maximum: 1, default: 0.6, description: "Lines read with less confidence (0-1, the scale of the tags' confidence) are dropped" },
    }),
    defaults: { fps: 1, min_confidence: 0.6 },
    gateway: [{ resource: "video-analyses", features: ["ocr"] }],
  },
  {
    name: "black",
    boundary: "stretch",
    type: "video",
    track: { name: "black_frames", label: "Black Frames" },
    description: "Black segments (ffmpeg blackdetect)",
    params_schema: schema({
      min_duration: { type: "number", exclusiveMinimum: 0, maximum: 60, default: 0.5, description: "Shortest black segment reported, in seconds" },
      pixel_threshold: { type: "number", minimum: 0, maximum: 1, default: 0.1, description: "Luminance below which a pixel is black" },
      picture_threshold: { type: "number", minimum: 0, maximum: 1, default: 0.98, description: "Share of black pixels that makes a frame black" },
    }),
    defaults: { min_duration: 0.5, pixel_threshold: 0.1, picture_threshold: 0.98 },
  },
  {
    name: "silence",
    boundary: "stretch",
    type: "audio",
    track: { name: "silence", label: "Silence" },
    description: "Silent segments of the audio stream (ffmpeg silencedetect)",
    params_schema: schema({
      noise_db: { type: "number", minimum: -120, maximum: 0, default: -50, description: "Level below which audio is silence, in dBFS" },
      min_duration: { type: "number", exclusiveMinimum: 0, maximum: 60, default: 0.5, description: "Shortest silence reported, in seconds" },
    }),
    defaults: { noise_db: -50, min_duration: 0.5 },
  },
  {
    name: "loudness",
    boundary: "stretch",
    type: "audio",
    track: { name: "loudness", label: "Loudness" },
    description: "EBU R128 loudness (ffmpeg ebur128): each part's integrated loudness, and the stretches louder than `max_lufs`",
    params_schema: schema({
      max_lufs: { type: "number", minimum: -70, maximum: 0, default: -14, description: "Momentary loudness above which a stretch is tagged, in LUFS" },
    }),
    defaults: { max_lufs: -14 },
  },
  {
    name: "asr",
    boundary: "none",
    type: "audio",
    track: { name: "speech_to_text", label: "Speech to Text" },
    description: "US English speech to text (PocketSphinx, offline): one tag per segment of speech, with its words and their times",
    params_schema: schema({ language: { type: "string", pattern: "^[a-z]{2}$", description: "ISO 639-1 language of the audio; this model knows en only" } }),
    defaults: {},
    // No language_detection: it hears English, whatever the audio is.
    gateway: [
      { resource: "transcriptions", features: ["timestamps"] },
      { resource: "video-analyses", features: ["speech_to_text"] },
    ],
  },
  {
    name: "sentiment",
    boundary: "none",
    type: "audio",
    track: { name: "sentiment", label: "Sentiment" },
    description: "Sentiment of what is said (English speech, AFINN-165 lexicon): one tag per segment of speech, its label and a score in [-1, 1]",
    params_schema: englishOnly({}),
    defaults: {},
    gateway: [{ resource: "video-analyses", features: ["sentiment"] }],
  },
  {
    name: "topics",
    boundary: "none",
    type: "audio",
    track: { name: "topics", label: "Topics" },
    description: "Keywords of what is said (English speech, stop words removed): each tagged where it is said, with its share of the part's top count as confidence",
    params_schema: englishOnly({ max_topics: { type: "integer", minimum: 1, maximum: 50, default: 10, description: "Keywords kept per part" } }),
    defaults: { max_topics: 10 },
    gateway: [{ resource: "video-analyses", features: ["topics"] }],
  },
  {
    name: "summary",
    boundary: "none",
    type: "audio",
    track: { name: "summary", label: "Summary" },
    description: "An extractive summary of what is said (English speech): the part's most representative segments",
    params_schema: englishOnly({ sentences: { type: "integer", minimum: 1, maximum: 10, default: 2, description: "Segments kept per part" } }),
    defaults: { sentences: 2 },
    gateway: [{ resource: "video-analyses", features: ["summary"] }],
  },
];
