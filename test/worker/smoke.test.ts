import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("smoke", () => {
  it("lists models without a token", async () => {
    const res = await exports.default.fetch("http://tagger.test/models");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({ models: [{ name: "shot", description: expect.any(String), type: "video", tag_tracks: [{ name: "shot_detection", label: "Shot Detection" }] }] });
  });
});
