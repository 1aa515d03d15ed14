import type { ModelDefinition } from "../types";

/** What a Workers AI model does, which decides how a part becomes its input and its output becomes tags. */
export type WorkersAiTask = "speech-recognition" | "object-detection" | "image-classification" | "image-to-text";

/** The tasks of the models we know; any other `@cf/...` model needs `task` in its provider entry. */
export const KNOWN_TASKS: Record<string, WorkersAiTask> = {
  "@cf/openai/whisper-large-v3-turbo": "speech-recognition",
  "@cf/openai/whisper": "speech-recognition",
  "@cf/facebook/detr-resnet-50": "object-detection",
  "@cf/microsoft/resnet-50": "image-classification",
  "@cf/llava-hf/llava-1.5-7b-hf": "image-to-text",
};

const schema = (properties: Record<string, unknown>) => ({ type: "object", properties, additionalProperties: false });
const fps = { type: "number", exclusiveMinimum: 0, maximum: 2, default: 0.5, description: "Frames sampled per second (each is one model call)" };
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
];
