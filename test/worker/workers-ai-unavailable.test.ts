import { describe, expect, it } from "vitest";
import { ADMIN, call, expectError, json, registerHls, type ApiBody } from "./helpers";

/** This runtime has no AI or MEDIA binding, like a deployment without Workers AI. */
describe("Workers AI models where the bindings are missing", () => {
  it("marks them unavailable and refuses to start them with a clear message, starting the other jobs", async () => {
    const caption = await json<ApiBody>(await call("GET", "/models/caption"), 200);
    expect(caption).toMatchObject({ name: "caption", available: false, provider: { kind: "workers-ai" }, unavailable_reason: expect.stringMatching(/Workers AI binding \(AI\)/) });
    // Speech to text prefers Whisper on Workers AI and falls back to the reference provider's
    // offline model, so it stays available here.
    const asr = await json<ApiBody>(await call("GET", "/models/asr"), 200);
    expect(asr).toMatchObject({ name: "asr", available: true, provider: { kind: "workers-ai" }, description: expect.stringMatching(/offline: US English speech to text/) });
    expect(asr.unavailable_reason).toBeUndefined();
    await registerHls("noai", 1);
    const res = await json<ApiBody>(await call("POST", "/noai/tag", { body: { jobs: [{ model: "caption" }, { model: "shot" }] } }), 200);
    expect(res.jobs[0]).toEqual({
      job_id: "",
      model: "caption",
      stream: "video",
      started: false,
      message: expect.stringMatching(/^Model caption is not available in this deployment: the Workers AI binding \(AI\) is not configured/),
      error: expect.stringMatching(/not available/),
    });
    expect(res.jobs[1]).toMatchObject({ model: "shot", started: true });
    const jobs = await json<ApiBody>(await call("GET", "/job-status?qid=noai&model=caption"), 200);
    expect(jobs.meta.total).toBe(0);
    // /providers tells the same story: no binding, no "ok".
    const { providers } = await json<{ providers: ApiBody[] }>(await call("GET", "/providers", { token: ADMIN }), 200);
    const whisper = providers.find((p) => p.kind === "workers-ai" && p.models.includes("asr"));
    expect(whisper).toMatchObject({ health: { status: "unavailable" }, unavailable_reason: expect.stringMatching(/Workers AI binding \(AI\)/) });
  });

  it("validates Workers AI provider entries", async () => {
    const put = (provider: unknown) => call("PUT", "/models/waibad", { token: ADMIN, body: { type: "frame", provider } });
    await expectError(await put({ kind: "workers-ai", model: "resnet" }), 400, "VALIDATION_ERROR", /@cf/);
    await expectError(await put({ kind: "workers-ai", model: "@cf/x/y", task: "dance" }), 400, "VALIDATION_ERROR", /task/);
    await expectError(await put({ kind: "workers-ai", model: "@cf/x/y", url: "http://a" }), 400, "VALIDATION_ERROR");
    await json(await put({ kind: "workers-ai", model: "@cf/x/y" }), 200);
    // A model the service does not know by id needs its task.
    expect(await json<ApiBody>(await call("GET", "/models/waibad"), 200)).toMatchObject({ available: false });
  });
});

describe("AI Gateway without a speech-to-text provider", () => {
  it("refuses a transcription at create, naming the feature, and starts nothing", async () => {
    // A deployment whose catalog runs speech to text on Workers AI only.
    await json(await call("PUT", "/models/asr", { token: ADMIN, body: { type: "audio", tag_tracks: [{ name: "speech_to_text", label: "Speech to Text" }], provider: { kind: "workers-ai", model: "@cf/openai/whisper-large-v3-turbo" } } }), 200);
    const res = await call("POST", "/v1/transcriptions", { body: { data: { type: "transcription-job", attributes: { input: { type: "audio", url: "https://media.example.com/a.mp4" } } } } });
    await expectError(res, 400, "UNSUPPORTED_FEATURE", /speech_to_text is not available in this deployment/);
    expect(await json<ApiBody>(await call("GET", "/job-status?model=asr"), 200)).toMatchObject({ meta: { total: 0 } });
  });
});
