import type { ModelDefinition } from "../types";

import type { WorkersAiTask } from "../../contract/provider-config";

/** The tasks of the models we know; any other `@cf/...` model needs `task` in its provider entry. */
export const KNOWN_TASKS: Record<string, WorkersAiTask> = {
  "@cf/openai/whisper-large-v3-turbo": "speech-recognition",
  "@cf/openai/whisper": "speech-recognition",
  "@cf/facebook/detr-resnet-50": "object-detection",
  "@cf/microsoft/resnet-50": "image-classification",
  "@cf/llava-hf/llava-1.5-7b-hf": "image-to-text",
  "@cf/meta/m2m100-1.2b": "translation",
};

/** A current text-generation model with JSON mode, for summaries and topics of what is said. */
const TEXT_MODEL = "@cf/meta/llama-3.1-8b-instruct-fast";

const schema = (properties: Record<string, unknown>) => ({ type: "object", properties, additionalProperties: false });
const fps = { type: "number", exclusiveMinimum: 0, maximum: 2, default: 0.5, description: "Frames sampled per second (each is one model call)" };
const language = { type: "string", pattern: "^[a-z]{2}$", description: "ISO 639-1 language of the audio; detected when absent" };
const minScore = { type: "number", minimum: 0, maximum: 1, default: 0.5, description: "Results scored lower are dropped" };

/** The built-in Workers AI models; they need the AI binding (and MEDIA for video and audio parts). */
export const WORKERS_AI_MODELS: ModelDefinition[] = [
  {
    name: "asr",
    description: "Speech to text with Whisper large v3 turbo on Workers AI: one tag per segment",
    type: "audio",
    tag_tracks: [{ name: "speech_to_text", label: "Speech to Text" }],
    provider: { kind: "workers-ai", model: "@cf/openai/whisper-large-v3-turbo" },
    default_params: {},
    params_schema: schema({ language: { type: "string", pattern: "^[a-z]{2}$", description: "ISO 639-1 language of the audio; detected when absent" } }),
    builtin: true,
    gateway: [
      { resource: "transcriptions", features: ["timestamps", "language_detection"] },
      { resource: "video-analyses", features: ["speech_to_text"] },
    ],
  },
  {
    name: "object",
    boundary: "segment",
    description: "Objects with DETR ResNet-50 on Workers AI: one tag per object per sampled frame, with its box",
    type: "frame",
    tag_tracks: [{ name: "object_detection", label: "Object Detection" }],
    provider: { kind: "workers-ai", model: "@cf/facebook/detr-resnet-50" },
    default_params: { fps: 0.5, min_score: 0.5 },
    params_schema: schema({ fps, min_score: minScore }),
    builtin: true,
    gateway: [{ resource: "video-analyses", features: ["labels"] }],
  },
  {
    name: "label",
    boundary: "segment",
    description: "Image classification with ResNet-50 on Workers AI: the labels of each sampled frame",
    type: "frame",
    tag_tracks: [{ name: "image_classification", label: "Image Classification" }],
    provider: { kind: "workers-ai", model: "@cf/microsoft/resnet-50" },
    default_params: { fps: 0.5, min_score: 0.2, top_k: 3 },
    params_schema: schema({ fps, min_score: { ...minScore, default: 0.2 }, top_k: { type: "integer", minimum: 1, maximum: 5, default: 3, description: "Labels kept per frame" } }),
    builtin: true,
    gateway: [{ resource: "video-analyses", features: ["labels"] }],
  },
  {
    name: "caption",
    description: "A caption of each sampled frame with LLaVA 1.5 on Workers AI",
    type: "frame",
    tag_tracks: [{ name: "caption", label: "Caption" }],
    provider: { kind: "workers-ai", model: "@cf/llava-hf/llava-1.5-7b-hf" },
    default_params: { fps: 0.1, prompt: "Describe this image in one sentence.", max_tokens: 96 },
    params_schema: schema({
      fps: { ...fps, default: 0.1 },
      prompt: { type: "string", minLength: 1, maxLength: 500, default: "Describe this image in one sentence." },
      max_tokens: { type: "integer", minimum: 8, maximum: 512, default: 96 },
    }),
    builtin: true,
  },
  {
    name: "translate",
    description: "Translation with M2M100 1.2B on Workers AI: one tag per cue or paragraph of the document, in the target language",
    type: "text",
    tag_tracks: [{ name: "translation", label: "Translation" }],
    provider: { kind: "workers-ai", model: "@cf/meta/m2m100-1.2b" },
    default_params: { source_language: "auto" },
    params_schema: {
      ...schema({
        target_language: { type: "string", pattern: "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", description: "BCP 47 language to translate into (its primary subtag is what M2M100 takes)" },
        source_language: { type: "string", pattern: "^(auto|[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*)$", default: "auto", description: "BCP 47 language of the text, or auto: detected per part (franc-min)" },
      }),
      required: ["target_language"],
    },
    builtin: true,
    // M2M100 has no formality control: formal and informal are refused rather than ignored.
    gateway: [{ resource: "translations", features: ["language_detection"] }],
  },
  {
    name: "summary",
    description: `A summary of what is said: Whisper, then ${TEXT_MODEL} over the part's transcript`,
    type: "audio",
    tag_tracks: [{ name: "summary", label: "Summary" }],
    provider: { kind: "workers-ai", model: TEXT_MODEL, task: "speech-summary" },
    default_params: { sentences: 2 },
    params_schema: schema({ language, sentences: { type: "integer", minimum: 1, maximum: 10, default: 2, description: "Sentences per part at most" } }),
    builtin: true,
    gateway: [{ resource: "video-analyses", features: ["summary"] }],
  },
  {
    name: "topics",
    description: `Key topics of what is said: Whisper, then ${TEXT_MODEL} in JSON mode; each topic tagged where it is said`,
    type: "audio",
    tag_tracks: [{ name: "topics", label: "Topics" }],
    provider: { kind: "workers-ai", model: TEXT_MODEL, task: "speech-topics" },
    default_params: { max_topics: 10 },
    params_schema: schema({ language, max_topics: { type: "integer", minimum: 1, maximum: 50, default: 10, description: "Topics kept per part" } }),
    builtin: true,
    gateway: [{ resource: "video-analyses", features: ["topics"] }],
  },
  {
    name: "moderation",
    boundary: "segment",
    description: "Content moderation of sampled frames with Llama 3.2 11B Vision on Workers AI (the seed's eight labels, each with a confidence)",
    type: "frame",
    tag_tracks: [{ name: "moderation", label: "Moderation" }],
    provider: { kind: "workers-ai", model: "@cf/meta/llama-3.2-11b-vision-instruct", task: "image-moderation" },
    default_params: { fps: 0.5, min_score: 0.5 },
    params_schema: schema({ fps, min_score: minScore }),
    builtin: true,
    gateway: [{ resource: "video-analyses", features: ["content_moderation"] }],
  },
];
