import { describe, expect, it } from "vitest";
import { ADMIN, call, expectError, json, registerHls, registerModel, upload, type ApiBody } from "./helpers";

describe("bad input gets a clear JSON error and never a 500", () => {
  it("POST /{qid}/tag rejects malformed bodies with the contract's messages", async () => {
    await registerModel("bad");
    await registerHls("badc", 1);
    const post = (raw: string) => call("POST", "/badc/tag", { raw, headers: { "content-type": "application/json" } });
    await expectError(await post("{not json"), 400, undefined, /Malformed JSON/);
    await expectError(await call("POST", "/badc/tag", { body: { features: { asr: {} } } }), 400, "INVALID_REQUEST_BODY", /^Invalid request body format/);
    await expectError(await call("POST", "/badc/tag", { body: { jobs: [] } }), 400, "NO_JOBS", "Please specify at least one job to run.");
    await expectError(await call("POST", "/badc/tag", { body: { jobs: [{ model: "nope" }] } }), 400, "MODEL_NOT_FOUND", "Model nope not found");
    await expectError(await call("POST", "/badc/tag", { body: { jobs: [{ model: 5 }] } }), 400, "INVALID_REQUEST_BODY", /jobs\.0\.model/);
    await expectError(await call("POST", "/badc/tag", { body: { jobs: [{ model: "bad", extra: 1 }] } }), 400, "INVALID_REQUEST_BODY", /extra/);
    await expectError(await call("POST", "/badc/tag", { body: { options: { replace: "yes" }, jobs: [{ model: "bad" }] } }), 400, undefined, /replace/);
    await expectError(await call("POST", "/badc/tag", { body: { options: { scope: { type: "nonsense" } }, jobs: [{ model: "bad" }] } }), 400, undefined, /Unknown scope type/);
    await expectError(await call("POST", "/badc/tag", { body: { options: { scope: { chunk: 3 } }, jobs: [{ model: "bad" }] } }), 400, undefined, "Unknown key 'chunk' in video scope");
    await expectError(await call("POST", "/badc/tag", { body: { options: { scope: { start_time: 10, end_time: 5 } }, jobs: [{ model: "bad" }] } }), 400, undefined, /end_time/);
    await expectError(await call("POST", "/badc/tag", { body: { options: { scope: { stream: "audio_9" } }, jobs: [{ model: "bad" }] } }), 400, undefined, /Stream 'audio_9' not found/);
    await expectError(await call("POST", "/badc/tag", { body: { options: { scope: { type: "assets" } }, jobs: [{ model: "bad" }] } }), 400, undefined, "bad is not frame-level");
    await expectError(await call("POST", "/badc/tag", { body: { options: { scope: { type: "processor" } }, jobs: [{ model: "bad" }] } }), 400, undefined, /not a processor model/);
    await expectError(await call("POST", "/bad qid!/tag", { body: { jobs: [{ model: "bad" }] } }), 400, "VALIDATION_ERROR", /qid/);
    await expectError(await call("POST", "/unknown-content/tag", { body: { jobs: [{ model: "bad" }] } }), 404, "CONTENT_NOT_FOUND");
    const huge = JSON.stringify({ jobs: [{ model: "bad", model_params: { blob: "x".repeat(2 * 1024 * 1024) } }] });
    await expectError(await post(huge), 413, "PAYLOAD_TOO_LARGE");
  });

  it("unknown routes are 404 and wrong methods 405, both as JSON", async () => {
    await expectError(await call("GET", "/no/such/route/here"), 404, "NOT_FOUND");
    const res = await call("PATCH", "/job-status");
    expect(res.headers.get("allow")).toContain("GET");
    await expectError(res, 405, "METHOD_NOT_ALLOWED");
  });

  it("content registration validates streams, URLs and uploads", async () => {
    await expectError(await call("PUT", "/contents/c1", { body: { title: "t", streams: {} } }), 400, "VALIDATION_ERROR", /stream/);
    await expectError(await call("PUT", "/contents/c1", { body: { title: "t", streams: { subtitles: { url: "https://x/y.m3u8" } } } }), 400, "VALIDATION_ERROR");
    await expectError(await call("PUT", "/contents/c1", { body: { title: "t", streams: { video: { url: "https://x/y.m3u8", file: "a.mp4" } } } }), 400, undefined, /exactly one/);
    await expectError(await call("PUT", "/contents/c1", { body: { title: "t", streams: { video: { url: "ftp://x/y" } } } }), 400, "INVALID_URL");
    await expectError(await call("PUT", "/contents/c1", { body: { title: "t", streams: { video: { file: "../etc/passwd" } } } }), 400, "VALIDATION_ERROR");
    await expectError(await call("PUT", "/contents/c1", { body: { title: "t", streams: { video: { url: "https://x/y.m3u8" } }, colour: "red" } }), 400, undefined, /colour/);
    const created = await json<ApiBody>(await call("PUT", "/contents/c1", { body: { title: "t", streams: { video: { url: "https://x/y.m3u8" } } } }), 201);
    expect(created).toMatchObject({ qid: "c1", tenant: "dev", part_duration: 30, streams: { video: { url: "https://x/y.m3u8" } } });
    expect((await json<ApiBody>(await call("PUT", "/contents/c1", { body: { title: "t2", streams: { video: { url: "https://x/y.m3u8" } } } }), 200)).title).toBe("t2");
    const page = await json<ApiBody>(await call("GET", "/contents?limit=1"), 200);
    expect(page.meta).toMatchObject({ start: 0, limit: 1, count: 1 });
    expect(page.meta.total).toBeGreaterThanOrEqual(1);
    await expectError(await call("GET", "/contents?limit=-1"), 400, "VALIDATION_ERROR", /limit/);
    const stream = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode("abc")), c.close()) });
    await expectError(await call("PUT", "/contents/c1/files/a.ts", { raw: stream }), 411, "LENGTH_REQUIRED");
    await expectError(await call("PUT", "/contents/c1/files/a.ts", { raw: new Uint8Array(10), headers: { "content-length": "104857601" } }), 413, "PAYLOAD_TOO_LARGE");
    await expectError(await call("PUT", "/contents/nope/files/a.ts", { raw: "abc", headers: { "content-length": "3" } }), 404);
    await upload("c1", "dir/a.ts", "hello");
    expect((await call("DELETE", "/contents/c1")).status).toBe(204);
    await expectError(await call("GET", "/contents/c1"), 404, "CONTENT_NOT_FOUND");
  });

  it("the model catalog is for system admins to change", async () => {
    const body = { type: "frame", provider: { kind: "http", url: "http://127.0.0.1:1" } };
    await expectError(await call("PUT", "/models/m1", { body }), 403);
    await expectError(await call("PUT", "/models/m1", { token: ADMIN, body: { ...body, type: "sound" } }), 400, "VALIDATION_ERROR", /type/);
    expect(await json(await call("PUT", "/models/m1", { token: ADMIN, body }), 200)).toEqual({ name: "m1", description: "", type: "frame", tag_tracks: [{ name: "m1", label: "M1" }] });
    await expectError(await call("DELETE", "/models/shot", { token: ADMIN }), 400, undefined, /built in/);
    expect((await call("DELETE", "/models/m1", { token: ADMIN })).status).toBe(204);
    await expectError(await call("DELETE", "/models/m1", { token: ADMIN }), 404);
  });

  it("serves the OpenAPI 3.1 document generated from the route schemas", async () => {
    const doc = await json<ApiBody>(await call("GET", "/openapi.json", { token: null }), 200);
    expect(doc.openapi).toBe("3.1.0");
    for (const p of ["/models", "/{qid}/tag", "/job-status", "/{qid}/job-status", "/{qid}/tag-status", "/{qid}/tag-status/{model}", "/{qid}/stop", "/{qid}/stop/{model}", "/jobs/{job_id}", "/{qid}/tags", "/{qid}/tracks", "/contents/{qid}", "/tenants/{tenant_id}/members/{address}", "/models/{model}", "/providers", "/callbacks/{token}", "/{qid}/tags/export", "/contents/{qid}/play", "/tenants/{tenant_id}/api-keys"]) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(doc.components.schemas.StartJobsRequest).toBeDefined();
  });

  it("media URLs need a valid signature", async () => {
    await expectError(await call("GET", "/media/abc.def", { token: null }), 401);
  });
});
