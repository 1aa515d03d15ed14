import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, devToken, expectError, json, type ApiBody, untilGatewayJobEnds } from "../worker/helpers";

/*
 * The AI Gateway's transcriptions (seed 003) over the engine: the speech-to-text model is
 * Workers AI's Whisper, here behind the stand-in binding that answers the documented output.
 */

const media = () => `${env.TEST_PROVIDER_URL}/files/demo.mp4`;
const create = (attributes: Record<string, unknown>, extra: Record<string, unknown> = {}, token?: string) =>
  call("POST", "/v1/transcriptions", { token, body: { data: { type: "transcription-job", attributes, ...extra } } });

const untilDone = (id: string, token?: string) => untilGatewayJobEnds("transcriptions", id, token);

describe("AI Gateway: transcriptions", () => {
  it("accepts a job (202, the seed's envelope), runs Whisper over the media, and answers the result as JSON, SRT and VTT", async () => {
    const res = await create(
      { input: { type: "video", url: media() }, webhook: { url: `${env.TEST_PROVIDER_URL}/hooks/transcriptions`, headers: { Authorization: "Bearer hook-secret" } } },
      { meta: { client: { order_id: 42, tags: ["a", "b"] } } },
    );
    const text = await res.text();
    expect(res.status, text).toBe(202);
    expect(text).not.toContain("hook-secret");
    const created = JSON.parse(text) as ApiBody;
    const id = created.data.id as string;
    expect(res.headers.get("location")).toBe(`/v1/transcriptions/${id}`);
    expect(created).toEqual({
      data: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: "transcription-job",
        attributes: {
          provider: "workers-ai",
          status: "pending",
          progress: 0,
          created_at: expect.any(String),
          input: { type: "video", url: media() },
          options: { language: "auto", timestamps: true, format: "json", diarization: false, priority: "standard" },
          webhook: { url: `${env.TEST_PROVIDER_URL}/hooks/transcriptions`, headers: { Authorization: "***" }, deliveries: [] },
        },
        meta: { client: { order_id: 42, tags: ["a", "b"] } },
        links: { self: `/v1/transcriptions/${id}`, result: `/v1/transcriptions/${id}/result` },
      },
    });

    const done = await untilDone(id);
    expect(done.data.attributes).toMatchObject({ status: "completed", progress: 100, processed_at: expect.any(String), completed_at: expect.any(String) });
    const result = {
      format: "json",
      duration: 6.24,
      language: "en",
      segments: [
        { start: 0.52, end: 2.86, text: "Welcome to the channel.", confidence: 0.8353 },
        { start: 3.5, end: 6.24, text: "Tonight: the news at nine.", confidence: expect.any(Number) },
      ],
      text: "Welcome to the channel. Tonight: the news at nine.",
    };
    expect(done.data.attributes.result).toEqual(result);
    expect(done.data.meta).toEqual({ client: { order_id: 42, tags: ["a", "b"] } });
    expect(await json(await call("GET", `/v1/transcriptions/${id}/result`), 200)).toEqual(result);

    const srt = await call("GET", `/v1/transcriptions/${id}/result?format=srt`);
    expect(srt.headers.get("content-type")).toBe("text/srt; charset=utf-8");
    expect(await srt.text()).toBe("1\n00:00:00,520 --> 00:00:02,860\nWelcome to the channel.\n\n2\n00:00:03,500 --> 00:00:06,240\nTonight: the news at nine.\n\n");
    const vtt = await call("GET", `/v1/transcriptions/${id}/result?format=vtt`);
    expect(vtt.headers.get("content-type")).toBe("text/vtt; charset=utf-8");
    expect(await vtt.text()).toBe("WEBVTT\n\n1\n00:00:00.520 --> 00:00:02.860\nWelcome to the channel.\n\n2\n00:00:03.500 --> 00:00:06.240\nTonight: the news at nine.\n\n");

    // The media became a hidden content of the caller's tenant: not listed among contents.
    const listed = await json<ApiBody>(await call("GET", "/contents?limit=1000"), 200);
    expect(listed.contents.map((c: ApiBody) => c.qid)).not.toContain(`gw-${id}`);
  });

  it("answers 404 RESULT_NOT_READY (with Retry-After) before completion, and a result in the job's own format", async () => {
    const res = await create({ input: { type: "audio", url: media() }, options: { language: "en", format: "vtt", timestamps: false } });
    const { data } = await json<ApiBody>(res, 202);
    const early = await call("GET", `/v1/transcriptions/${data.id}/result`);
    if (early.status === 404) {
      expect(early.headers.get("retry-after")).toBe("5");
      expect(await early.json()).toEqual({ error: { code: "RESULT_NOT_READY", message: expect.stringMatching(/not ready/) } });
    } else await early.body?.cancel();
    const done = await untilDone(data.id);
    expect(done.data.attributes.status).toBe("completed");
    // Without timestamps the JSON result has the text only.
    expect(done.data.attributes.result).toEqual({ format: "vtt", duration: 6.24, language: "en", text: "Welcome to the channel. Tonight: the news at nine." });
    const vtt = await call("GET", `/v1/transcriptions/${data.id}/result`);
    expect(vtt.headers.get("content-type")).toBe("text/vtt; charset=utf-8");
    expect(await vtt.text()).toMatch(/^WEBVTT\n\n1\n00:00:00\.520 --> /);
  });

  it("refuses bad requests with the field named, and hides other tenants' jobs", async () => {
    await expectError(await call("POST", "/v1/transcriptions", { body: { data: { type: "translation-job", attributes: { input: { type: "video", url: media() } } } } }), 400, "VALIDATION_ERROR", /type/);
    await expectError(await create({ input: { type: "video", url: media() }, options: { formt: "json" } }), 400, "VALIDATION_ERROR", /formt/);
    await expectError(await create({ input: { type: "video", url: media(), extra: 1 } }), 400, "VALIDATION_ERROR", /extra/);
    await expectError(await create({ input: { type: "text", url: media() } }), 400, "VALIDATION_ERROR");
    await expectError(await create({ input: { type: "video", url: "ftp://media.example.com/a.mp4" } }), 400, "SOURCE_URL_FORBIDDEN");
    await expectError(await create({ input: { type: "video", url: media() }, options: { language: "english!" } }), 400, "VALIDATION_ERROR", /language/);
    await expectError(await create({ input: { type: "video", url: media() }, options: { diarization: true } }), 400, "UNSUPPORTED_FEATURE", /diarization/);
    await expectError(await create({ input: { type: "video", url: media() }, provider: "nope" }), 400, "UNKNOWN_PROVIDER");
    await expectError(await create({ input: { type: "video", url: media() } }, { id: "mine" }), 400, "VALIDATION_ERROR");
    await expectError(await call("POST", "/v1/transcriptions", { raw: "{not json", headers: { "content-type": "application/json" } }), 400);
    await expectError(await call("GET", "/v1/transcriptions/not-a-uuid"), 400, "VALIDATION_ERROR");
    await expectError(await call("GET", `/v1/transcriptions/${crypto.randomUUID()}`), 404, "NOT_FOUND");

    // A member of another tenant sees the job as absent.
    const { data } = await json<ApiBody>(await create({ input: { type: "video", url: media() } }), 202);
    const stranger = "0x5700000000000000000000000000000000000001";
    await json(await call("PUT", "/tenants/gw-other", { token: ADMIN, body: { name: "Other" } }), 201);
    await json(await call("PUT", `/tenants/gw-other/members/${stranger}`, { token: ADMIN, body: { role: "admin" } }), 200);
    await expectError(await call("GET", `/v1/transcriptions/${data.id}`, { token: devToken(stranger) }), 404, "NOT_FOUND");
    await expectError(await call("GET", `/v1/transcriptions/${data.id}/result`, { token: devToken(stranger) }), 404, "NOT_FOUND");
    await untilDone(data.id);
  });

  it("lists Workers AI as a backend with language detection where the binding is, and prefers it", async () => {
    const { data } = await json<{ data: ApiBody[] }>(await call("GET", "/v1/providers"), 200);
    const wai = data.find((p) => p.id === "workers-ai");
    expect(wai?.attributes).toMatchObject({
      name: "Cloudflare Workers AI",
      available: true,
      resources: {
        transcriptions: { features: ["language_detection", "timestamps"] },
        translations: { features: ["language_detection"] },
        "video-analyses": { features: ["content_moderation", "labels", "speech_to_text", "summary", "topics"] },
      },
      health: { status: "ok" },
    });
    expect(data.find((p) => p.id === "reference")?.attributes.resources.transcriptions).toEqual({ features: ["timestamps"] });
    // A video analysis of labels and scenes needs both backends: each feature goes where it is offered.
  });
});
