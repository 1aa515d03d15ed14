import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, json, type ApiBody, untilGatewayJobEnds } from "../worker/helpers";

/*
 * The Workers AI models behind a video analysis's summary, topics and content_moderation: the
 * stand-in binding checks the documented inputs of Whisper, Llama 3.1 (JSON mode for topics)
 * and Llama 3.2 Vision, and answers the outputs kept in test/fixtures/workers-ai.
 */

interface AiCall {
  model: string;
  inputs: Record<string, unknown>;
}
const aiCalls = async (model: string) => ((await (env.AI as unknown as { calls(): Promise<AiCall[]> }).calls()) as AiCall[]).filter((c) => c.model === model);

const untilDone = (id: string, token?: string) => untilGatewayJobEnds("video-analyses", id, token);

describe("AI Gateway: summary, topics and moderation on Workers AI", () => {
  it("summarises what is said, lists its topics where they are said, and flags only the seed's labels above the threshold", async () => {
    const body = {
      data: {
        type: "video-analysis-job",
        attributes: { input: { url: `${env.TEST_PROVIDER_URL}/files/demo.mp4`, features: ["summary", "topics", "content_moderation"] }, provider: "workers-ai", options: { confidence_threshold: 0.6 } },
      },
    };
    const created = await json<ApiBody>(await call("POST", "/v1/video-analyses", { body }), 202);
    expect(created.data.attributes.feature_providers).toEqual({ summary: "workers-ai", topics: "workers-ai", content_moderation: "workers-ai" });
    const done = await untilDone(created.data.id);
    expect(done.data.attributes.status).toBe("completed");
    const result = done.data.attributes.result;
    // The 60 s video is two 30 s parts; the stand-in Whisper hears the same two segments in
    // each (0.52-2.86 s and 3.5-6.24 s into the part), so each part has its summary and topics.
    const summary = "The host welcomes viewers to the channel and announces the news at nine.";
    expect(result.summary).toBe(`${summary} ${summary}`);
    expect(result.topics).toEqual([
      // Said nowhere word for word: over all the part's speech; a confidence above 1 is clamped.
      { name: "weather", confidence: 1, instances: [{ start: 0.52, end: 6.24, confidence: 1 }, { start: 30.52, end: 36.24, confidence: 1 }] },
      { name: "channel", confidence: 0.91, instances: [{ start: 0.52, end: 2.86, confidence: 0.91 }, { start: 30.52, end: 32.86, confidence: 0.91 }] },
      { name: "news", confidence: 0.74, instances: [{ start: 3.5, end: 6.24, confidence: 0.74 }, { start: 33.5, end: 36.24, confidence: 0.74 }] },
    ]);
    // The model also answered "weapons" (no seed label) and tobacco at 0.2 (under min_score 0.5).
    expect(result.content_moderation).toEqual({
      is_safe: false,
      // Seen on every sampled frame: one instance over the whole video.
      signals: [{ label: "alcohol", confidence: 0.82, instances: [{ start: 0, end: 60, confidence: 0.82 }] }],
      checked_labels: ["explicit_nudity", "suggestive", "violence", "visually_disturbing", "hate_symbols", "tobacco", "alcohol", "gambling"],
    });

    const [topics] = await aiCalls("@cf/meta/llama-3.1-8b-instruct-fast").then((c) => c.filter((x) => x.inputs.response_format));
    expect(topics?.inputs).toMatchObject({ response_format: { type: "json_schema" }, max_tokens: 400 });
    const vision = await aiCalls("@cf/meta/llama-3.2-11b-vision-instruct");
    expect(vision.length).toBeGreaterThan(0);
    expect(vision[0]!.inputs).toMatchObject({ image: expect.stringMatching(/^bytes:\d+$/), max_tokens: 256, temperature: 0 });
  });

  it("calls a moderation that sees nothing at the threshold safe, and says what it checked", async () => {
    const body = {
      data: { type: "video-analysis-job", attributes: { input: { url: `${env.TEST_PROVIDER_URL}/files/demo.mp4`, features: ["content_moderation"] }, options: { confidence_threshold: 0.9 } } },
    };
    const created = await json<ApiBody>(await call("POST", "/v1/video-analyses", { body }), 202);
    const done = await untilDone(created.data.id);
    expect(done.data.attributes.result.content_moderation).toMatchObject({ is_safe: true, signals: [] });
    expect(done.data.attributes.result.content_moderation.checked_labels).toHaveLength(8);
  });
});
