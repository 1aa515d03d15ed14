import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, devToken, expectError, json, type ApiBody, untilGatewayJobEnds } from "./helpers";

/*
 * AI Gateway video analyses over the engine: each feature is a model of the catalog that
 * declares it; here loopback test-provider models on one backend (`va-test`), so the job is
 * deterministic. The media is the sample (60 s, 480x270, 25 fps, H.264).
 */

const media = () => `${env.TEST_PROVIDER_URL}/files/demo.mp4`;
const create = (attributes: Record<string, unknown>, token?: string, extra: Record<string, unknown> = {}) =>
  call("POST", "/v1/video-analyses", { token, body: { data: { type: "video-analysis-job", attributes, ...extra } } });

async function model(name: string, features: string[], params: Record<string, unknown> = {}, type = "video") {
  await json(
    await call("PUT", `/models/${name}`, {
      token: ADMIN,
      body: { type, provider: { kind: "http", name: "va-test", url: env.TEST_PROVIDER_URL }, default_params: params, gateway: [{ resource: "video-analyses", features }] },
    }),
    200,
  );
}

const untilDone = (id: string, token?: string) => untilGatewayJobEnds("video-analyses", id, token);

describe("AI Gateway: video analyses", () => {
  it("runs each requested feature as an engine job and assembles the seed's result, with the video's metadata", async () => {
    await model("va-shots", ["scenes"], { span_part: "shot" });
    await model("va-labels", ["labels"], { tags_per_part: 2 }, "frame");
    const res = await create({ input: { url: media(), features: ["scenes", "labels", "scenes"] }, provider: "va-test" }, undefined, { meta: { client: { batch: 7 } } });
    const created = await json<ApiBody>(res, 202);
    const id = created.data.id as string;
    expect(res.headers.get("location")).toBe(`/v1/video-analyses/${id}`);
    expect(created.data).toMatchObject({
      type: "video-analysis-job",
      attributes: { provider: "va-test", status: "pending", progress: 0, options: { language: "auto", confidence_threshold: 0.5, priority: "standard" }, feature_providers: { scenes: "va-test", labels: "va-test" } },
      meta: { client: { batch: 7 } },
      links: { self: `/v1/video-analyses/${id}`, result: `/v1/video-analyses/${id}/result` },
    });
    await expectError(await call("GET", `/v1/video-analyses/${id}/result`), 404, "RESULT_NOT_READY");

    const done = await untilDone(id);
    expect(done.data.attributes).toMatchObject({ status: "completed", progress: 100 });
    const result = await json<ApiBody>(await call("GET", `/v1/video-analyses/${id}/result`), 200);
    expect(done.data.attributes.result).toEqual(result);
    expect(result.video_metadata).toEqual({ duration: 60, width: 480, height: 270, frame_rate: 25, format: "mp4", codec: "h264" });
    // The shot model spans each 30 s part with one "shot": the engine joins nothing across parts for this model, so two scenes.
    expect(result.scenes).toEqual([
      { index: 0, start: 0, end: 30 },
      { index: 1, start: 30, end: 60 },
    ]);
    // Two labels a part, each seen once per part: an instance per part, confidence 0.9.
    expect(result.labels).toHaveLength(4);
    expect(result.labels[0]).toEqual({ name: "va-labels tag 0 at 0", confidence: 0.9, instances: [{ start: 0, end: 0.05, confidence: 0.9 }] });
    expect(Object.keys(result).sort()).toEqual(["labels", "scenes", "video_metadata"]);
    expect(done.data.attributes.warnings).toBeUndefined();
  });

  it("a feature that fails leaves the others, with a warning; all failing fails the job", async () => {
    await model("va-shots2", ["scenes"], { span_part: "shot" });
    await model("va-broken", ["faces"], { fail_status: 422 });
    const done = await untilDone((await json<ApiBody>(await create({ input: { url: media(), features: ["scenes", "faces"] }, provider: "va-test" }), 202)).data.id);
    expect(done.data.attributes).toMatchObject({ status: "completed", warnings: [{ code: "FEATURE_FAILED", feature: "faces", message: expect.any(String) }] });
    expect(done.data.attributes.result.faces).toEqual([]);
    expect(done.data.attributes.result.scenes).toHaveLength(2);

    const failed = await untilDone((await json<ApiBody>(await create({ input: { url: media(), features: ["faces"] }, provider: "va-test" }), 202)).data.id);
    expect(failed.data.attributes).toMatchObject({ status: "failed", error: { code: "ALL_FEATURES_FAILED" } });
    expect(failed.data.attributes.result).toBeUndefined();
    await expectError(await call("GET", `/v1/video-analyses/${failed.data.id}/result`), 404, "JOB_FAILED");
  });

  it("refuses bad requests with the field named, features no provider offers, and hides other tenants' jobs", async () => {
    await expectError(await create({ input: { url: media(), features: [] } }), 400, "VALIDATION_ERROR", /features: at least one feature/);
    await expectError(await create({ input: { url: media(), features: ["dancing"] } }), 400, "VALIDATION_ERROR", /features/);
    await expectError(await create({ input: { url: media(), features: ["content_moderation", "brands"] } }), 400, "UNSUPPORTED_FEATURE", /content_moderation, brands: no provider/);
    await expectError(await create({ input: { url: media(), features: ["scenes"] }, provider: "nobody" }), 400, "UNKNOWN_PROVIDER");
    await expectError(await create({ input: { url: media(), features: ["scenes"] }, options: { confidence_threshold: 2 } }), 400, "VALIDATION_ERROR", /confidence_threshold/);
    await expectError(await create({ input: { url: "ftp://x/y.mp4", features: ["scenes"] } }), 400, "SOURCE_URL_FORBIDDEN", /input\.url/);
    await expectError(await call("POST", "/v1/video-analyses", { body: { data: { type: "transcription-job", attributes: { input: { url: media(), features: ["scenes"] } } } } }), 400, "VALIDATION_ERROR", /data\.type/);
    await expectError(await call("POST", "/v1/video-analyses", { raw: "{not json", headers: { "content-type": "application/json" } }), 400);
    await expectError(await create({ input: { url: media(), features: ["scenes"], audio_track: 1 } }), 400, "UNSUPPORTED_FEATURE", /audio_track/);
    await expectError(await create({ input: { url: media(), features: ["scenes"] } }, undefined, { meta: { client: { note: "x".repeat(17_000) } } }), 400, "VALIDATION_ERROR", /meta\.client is larger than 16 KiB/);

    await model("va-shots3", ["scenes"], { span_part: "shot" });
    const mine = await json<ApiBody>(await create({ input: { url: media(), features: ["scenes"] }, provider: "va-test" }), 202);
    const stranger = devToken("0x5555555555555555555555555555555555555555");
    await expectError(await call("GET", `/v1/video-analyses/${mine.data.id}`, { token: stranger }), 404, "NOT_FOUND");
    await expectError(await call("GET", `/v1/video-analyses/${mine.data.id}/result`, { token: stranger }), 404, "NOT_FOUND");
    // A transcription id is not a video analysis.
    await expectError(await call("GET", `/v1/transcriptions/${mine.data.id}`), 404);
  });
});
