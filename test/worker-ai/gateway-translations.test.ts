import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, devToken, expectError, json, type ApiBody, untilGatewayJobEnds } from "../worker/helpers";

/*
 * The AI Gateway's translations (seed 003) over the engine: the `translate` model is Workers
 * AI's M2M100 behind the stand-in binding, which checks the documented input and answers
 * `[<source_lang>><target_lang>] <text>`, so each test sees which direction was asked for.
 */

interface AiCall {
  model: string;
  inputs: Record<string, unknown>;
}
const aiCalls = async () => ((await (env.AI as unknown as { calls(): Promise<AiCall[]> }).calls()) as AiCall[]).filter((c) => c.model === "@cf/meta/m2m100-1.2b");

const doc = (name: string) => `${env.TEST_PROVIDER_URL}/documents/${name}`;
const create = (attributes: Record<string, unknown>, extra: Record<string, unknown> = {}, token?: string) =>
  call("POST", "/v1/translations", { token, body: { data: { type: "translation-job", attributes, ...extra } } });

const untilDone = (id: string, token?: string) => untilGatewayJobEnds("translations", id, token);

const ENGLISH = "The weather is lovely today and we are going to the beach with the children.\n\nTomorrow it will rain all day, so we will stay at home and read.";
const SPANISH = "El tiempo es muy agradable hoy y vamos a la playa con los niños. Mañana lloverá todo el día.";

describe("AI Gateway: translations", () => {
  it("translates a text, detecting its language, and keeps its paragraphs (202, the seed's envelope, then the result)", async () => {
    const res = await create({ input: { type: "text", content: ENGLISH, target_language: "es-MX" } }, { meta: { client: { ref: "t-1" } } });
    const created = await json<ApiBody>(res, 202);
    const id = created.data.id as string;
    expect(res.headers.get("location")).toBe(`/v1/translations/${id}`);
    expect(created.data).toEqual({
      id,
      type: "translation-job",
      attributes: {
        provider: "workers-ai",
        status: "pending",
        progress: 0,
        created_at: expect.any(String),
        input: { type: "text", content: ENGLISH, target_language: "es-MX" },
        options: { source_language: "auto", formality: "default", priority: "standard" },
      },
      meta: { client: { ref: "t-1" } },
      links: { self: `/v1/translations/${id}`, result: `/v1/translations/${id}/result` },
    });
    const done = await untilDone(id);
    expect(done.data.attributes).toMatchObject({ status: "completed", progress: 100, completed_at: expect.any(String) });
    const result = {
      source_language: "en",
      target_language: "es-MX",
      content:
        "[en>es] The weather is lovely today and we are going to the beach with the children.\n\n[en>es] Tomorrow it will rain all day, so we will stay at home and read.",
      character_count: [...ENGLISH].length,
    };
    expect(done.data.attributes.result).toEqual(result);
    expect(await json(await call("GET", `/v1/translations/${id}/result`), 200)).toEqual(result);

    // meta.system only when asked for: the engine objects behind the job.
    const system = await json<ApiBody>(await call("GET", `/v1/translations/${id}?include=system`), 200);
    expect(system.data.meta).toEqual({ client: { ref: "t-1" }, system: { content_id: `gw-${id}`, engine_jobs: [{ feature: "translation", model: "translate", job_id: expect.any(String) }] } });
    // … which the Tagger API shows: the job's own log.
    await json(await call("GET", `/jobs/${system.data.meta.system.engine_jobs[0].job_id}/events`), 200);
    await expectError(await call("GET", `/v1/translations/${id}?include=everything`), 400, "VALIDATION_ERROR", /include/);
  });

  it("detects another language, and takes a given source language as given", async () => {
    const auto = await json<ApiBody>(await create({ input: { type: "text", content: SPANISH, target_language: "en" } }), 202);
    const given = await json<ApiBody>(await create({ input: { type: "text", content: "Bonjour à tous.", target_language: "de" }, options: { source_language: "fr-CA" } }), 202);
    const [a, g] = await Promise.all([untilDone(auto.data.id), untilDone(given.data.id)]);
    expect(a.data.attributes.result).toMatchObject({ source_language: "es", content: `[es>en] ${SPANISH}` });
    expect(g.data.attributes.result).toMatchObject({ source_language: "fr-CA", target_language: "de", content: "[fr>de] Bonjour à tous." });
    const calls = await aiCalls();
    expect(calls).toContainEqual({ model: "@cf/meta/m2m100-1.2b", inputs: { text: "Bonjour à tous.", source_lang: "fr", target_lang: "de" } });
  });

  it("translates a SubRip document cue by cue: the download keeps every cue's times, and its URL is the only credential", async () => {
    const { data } = await json<ApiBody>(await create({ input: { type: "document", url: doc("episode.srt"), target_language: "fr" } }), 202);
    const done = await untilDone(data.id);
    expect(done.data.attributes.status).toBe("completed");
    const result = done.data.attributes.result;
    expect(result).toEqual({
      source_language: "en",
      target_language: "fr",
      download_url: expect.stringMatching(/^http:\/\/tagger\.test\/v1\/files\/[\w-]+\.[\w-]+$/),
      content_type: "text/srt; charset=utf-8",
      character_count: [..."Good evening and welcome.Tonight we look at the weather\nacross the country.Thank you for watching."].length,
    });
    const path = new URL(result.download_url).pathname;
    const file = await call("GET", path, { token: "" });
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("text/srt; charset=utf-8");
    expect(file.headers.get("content-disposition")).toBe(`attachment; filename="${data.id}.srt"`);
    expect(await file.text()).toBe(
      "1\n00:00:01,000 --> 00:00:03,500\n[en>fr] Good evening and welcome.\n\n" +
        "2\n00:00:04,000 --> 00:00:06,250\n[en>fr] Tonight we look at the weather\nacross the country.\n\n" +
        "3\n00:01:02,125 --> 00:01:05,000\n[en>fr] Thank you for watching.\n\n",
    );
    // A changed signature or payload is refused.
    await expectError(await call("GET", `${path.slice(0, -2)}xx`, { token: "" }), 401, "UNAUTHORIZED");
    await expectError(await call("GET", "/v1/files/not-a-token", { token: "" }), 401, "UNAUTHORIZED");
  });

  it("keeps a WebVTT document WebVTT", async () => {
    const { data } = await json<ApiBody>(await create({ input: { type: "document", url: doc("episode.vtt"), target_language: "it" }, options: { source_language: "en" } }), 202);
    const done = await untilDone(data.id);
    const file = await call("GET", new URL(done.data.attributes.result.download_url).pathname, { token: "" });
    expect(file.headers.get("content-type")).toBe("text/vtt; charset=utf-8");
    expect(await file.text()).toBe("WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.500\n[en>it] Good evening and welcome.\n\n2\n00:00:04.000 --> 00:00:06.250\n[en>it] Tonight we look at the weather.\n\n");
  });

  it("fails a job whose document cannot be read, with the seed's code", async () => {
    const missing = await json<ApiBody>(await create({ input: { type: "document", url: doc("nothing-here.srt"), target_language: "fr" } }), 202);
    const binary = await json<ApiBody>(await create({ input: { type: "document", url: doc("latin1.txt"), target_language: "fr" } }), 202);
    const [m, b] = await Promise.all([untilDone(missing.data.id), untilDone(binary.data.id)]);
    expect(m.data.attributes).toMatchObject({ status: "failed", error: { code: "MEDIA_UNREACHABLE" } });
    expect(b.data.attributes).toMatchObject({ status: "failed", error: { code: "MEDIA_UNREACHABLE", message: expect.stringMatching(/not UTF-8/) } });
    await expectError(await call("GET", `/v1/translations/${m.data.id}/result`), 404, "JOB_FAILED");
  });

  it("refuses bad requests with the field named, and hides other tenants' jobs", async () => {
    const text = (extra: Record<string, unknown> = {}) => ({ type: "text", content: "Hello there, how are you?", target_language: "es", ...extra });
    await expectError(await create({ input: text({ target_language: "auto" }) }), 400, "VALIDATION_ERROR", /target_language/);
    await expectError(await create({ input: text({ url: doc("episode.srt") }) }), 400, "VALIDATION_ERROR", /url/);
    await expectError(await create({ input: { type: "document", target_language: "es" } }), 400, "VALIDATION_ERROR", /url/);
    await expectError(await create({ input: { type: "document", url: doc("episode.srt"), content: "x", target_language: "es" } }), 400, "VALIDATION_ERROR", /content/);
    await expectError(await create({ input: text({ content: "" }) }), 400, "VALIDATION_ERROR", /content/);
    await expectError(await create({ input: text({ content: "   " }) }), 400, "VALIDATION_ERROR", /content/);
    await expectError(await create({ input: text({ content: "a".repeat(100_001) }) }), 400, "VALIDATION_ERROR", /100000 characters/);
    await expectError(await create({ input: { type: "audio", url: doc("episode.srt"), target_language: "es" } }), 400, "VALIDATION_ERROR");
    await expectError(await create({ input: text(), options: { formality: "formal" } }), 400, "UNSUPPORTED_FEATURE", /formality/);
    await expectError(await create({ input: text(), options: { formality: "casual" } }), 400, "VALIDATION_ERROR", /formality/);
    await expectError(await create({ input: text(), options: { tone: "dry" } }), 400, "VALIDATION_ERROR", /tone/);
    await expectError(await create({ input: text(), provider: "nope" }), 400, "UNKNOWN_PROVIDER");
    await expectError(await create({ input: { type: "document", url: "ftp://docs.example.com/a.srt", target_language: "es" } }), 400, "SOURCE_URL_FORBIDDEN");
    await expectError(await call("POST", "/v1/translations", { body: { data: { type: "transcription-job", attributes: { input: text() } } } }), 400, "VALIDATION_ERROR", /type/);
    await expectError(await call("POST", "/v1/translations", { raw: "{not json", headers: { "content-type": "application/json" } }), 400);
    await expectError(await call("GET", "/v1/translations/not-a-uuid"), 400, "VALIDATION_ERROR");
    await expectError(await call("GET", `/v1/translations/${crypto.randomUUID()}`), 404, "NOT_FOUND");

    const { data } = await json<ApiBody>(await create({ input: text() }), 202);
    const early = await call("GET", `/v1/translations/${data.id}/result`);
    if (early.status === 404) expect((await early.json()) as ApiBody).toEqual({ error: { code: "RESULT_NOT_READY", message: expect.stringMatching(/not ready/) } });
    else await early.body?.cancel();
    // A member of another tenant sees the job as absent; a transcription id is not a translation.
    const stranger = "0x5700000000000000000000000000000000000002";
    await json(await call("PUT", "/tenants/gw-other-t", { token: ADMIN, body: { name: "Other" } }), 201);
    await json(await call("PUT", `/tenants/gw-other-t/members/${stranger}`, { token: ADMIN, body: { role: "admin" } }), 200);
    await expectError(await call("GET", `/v1/translations/${data.id}`, { token: devToken(stranger) }), 404, "NOT_FOUND");
    await expectError(await call("GET", `/v1/translations/${data.id}/result`, { token: devToken(stranger) }), 404, "NOT_FOUND");
    await expectError(await call("GET", `/v1/transcriptions/${data.id}`), 404, "NOT_FOUND");
    await untilDone(data.id);
  });
});
