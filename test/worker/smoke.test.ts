import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("smoke", () => {
  it("lists the built-in models without a token, in the contract's ModelSpec shape, saying which can run here", async () => {
    const res = await exports.default.fetch("http://tagger.test/models");
    expect(res.status).toBe(200);
    const body = await res.json<{ models: unknown[] }>();
    const spec = (name: string, type: string, track: string, label: string, available = true) => ({ name, description: expect.any(String), type, tag_tracks: [{ name: track, label }], available });
    // No AI or MEDIA binding in this runtime: the Workers AI-only models are listed but cannot run.
    expect(body.models).toEqual([
      // Speech to text falls back to the reference provider's offline model.
      spec("asr", "audio", "speech_to_text", "Speech to Text"),
      spec("black", "video", "black_frames", "Black Frames"),
      spec("caption", "frame", "caption", "Caption", false),
      spec("label", "frame", "image_classification", "Image Classification", false),
      spec("loudness", "audio", "loudness", "Loudness"),
      spec("moderation", "frame", "moderation", "Moderation", false),
      spec("object", "frame", "object_detection", "Object Detection", false),
      spec("ocr", "frame", "ocr", "OCR"),
      spec("sentiment", "audio", "sentiment", "Sentiment"),
      spec("shot", "video", "shot_detection", "Shot Detection"),
      spec("silence", "audio", "silence", "Silence"),
      spec("summary", "audio", "summary", "Summary"),
      spec("topics", "audio", "topics", "Topics"),
      spec("translate", "text", "translation", "Translation", false),
    ]);
  });
});
