import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("smoke", () => {
  it("lists the built-in models without a token, in the contract's ModelSpec shape", async () => {
    const res = await exports.default.fetch("http://tagger.test/models");
    expect(res.status).toBe(200);
    const body = await res.json<{ models: unknown[] }>();
    const spec = (name: string, type: string, track: string, label: string) => ({ name, description: expect.any(String), type, tag_tracks: [{ name: track, label }] });
    expect(body.models).toEqual([
      spec("black", "video", "black_frames", "Black Frames"),
      spec("loudness", "audio", "loudness", "Loudness"),
      spec("ocr", "frame", "ocr", "OCR"),
      spec("shot", "video", "shot_detection", "Shot Detection"),
      spec("silence", "audio", "silence", "Silence"),
    ]);
  });
});
