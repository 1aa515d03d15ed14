import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, expectError, json, type ApiBody } from "./helpers";

/** This runtime has no AI binding: Workers AI cannot run, the reference provider (offline) can. */
describe("AI Gateway: GET /v1/providers and provider selection, offline", () => {
  it("lists each backend with the features its runnable models declare, and says Workers AI cannot run here", async () => {
    const { data } = await json<{ data: ApiBody[] }>(await call("GET", "/v1/providers"), 200);
    expect(data).toEqual([
      {
        id: "reference",
        type: "provider",
        attributes: {
          name: "Reference (offline)",
          resources: { transcriptions: { features: ["timestamps"] }, "video-analyses": { features: ["ocr", "scenes", "sentiment", "speech_to_text", "summary", "topics"] } },
          available: true,
          health: { status: "ok", in_flight: 0, concurrency: expect.any(Number) },
        },
      },
      {
        id: "workers-ai",
        type: "provider",
        attributes: { name: "Cloudflare Workers AI", resources: {}, available: false, health: { status: "unavailable", in_flight: 0, concurrency: expect.any(Number) } },
      },
    ]);
    await expectError(await call("GET", "/v1/providers", { token: null, headers: { authorization: "Bearer nope" } }), 401);
  });

  it("a model a system admin declares for the gateway shows up under its provider; its URL never does", async () => {
    await json(
      await call("PUT", "/models/gpu-faces", {
        token: ADMIN,
        body: { type: "frame", provider: { kind: "http", url: `${env.TEST_PROVIDER_URL}/p/gpu` }, gateway: [{ resource: "video-analyses", features: ["faces", "labels"] }] },
      }),
      200,
    );
    const res = await call("GET", "/v1/providers");
    const text = await res.text();
    expect(text).not.toContain(env.TEST_PROVIDER_URL);
    const gpu = (JSON.parse(text) as { data: ApiBody[] }).data.find((p) => p.id.startsWith("http-"));
    expect(gpu?.attributes).toMatchObject({ resources: { "video-analyses": { features: ["faces", "labels"] } }, available: true });
    await expectError(await call("PUT", "/models/bad-gw", { token: ADMIN, body: { type: "frame", provider: { kind: "http", url: `${env.TEST_PROVIDER_URL}/p/x` }, gateway: [{ resource: "video-analyses", features: ["dancing"] }] } }), 400, "VALIDATION_ERROR", /gateway/);
  });

  it("picks the backend that offers what a transcription asks for, and refuses what none offers", async () => {
    const create = (attributes: Record<string, unknown>) => call("POST", "/v1/transcriptions", { body: { data: { type: "transcription-job", attributes: { input: { type: "audio", url: `${env.TEST_PROVIDER_URL}/files/speech.m4a` }, ...attributes } } } });
    // No language given: the offline model does not detect one, so the deployment's default is used.
    const job = await json<ApiBody>(await create({}), 202);
    expect(job.data.attributes).toMatchObject({ provider: "reference", options: { language: "en-US" } });
    await expectError(await create({ options: { language: "auto" } }), 400, "UNSUPPORTED_FEATURE", /language_detection: no provider of this deployment offers it/);
    await expectError(await create({ provider: "reference", options: { language: "auto" } }), 400, "UNSUPPORTED_FEATURE", /language_detection: provider reference does not offer it/);
    await expectError(await create({ provider: "workers-ai" }), 400, "UNKNOWN_PROVIDER", /these do: reference/);
    const named = await json<ApiBody>(await create({ provider: "reference", options: { language: "en" } }), 202);
    expect(named.data.attributes).toMatchObject({ provider: "reference", options: { language: "en" } });
  });
});
