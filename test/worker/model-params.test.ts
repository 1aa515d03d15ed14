import { beforeAll, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { ADMIN, call, expectError, json, registerHls, startJob, type ApiBody } from "./helpers";

describe("model params: schemas, defaults and validation", () => {
  beforeAll(async () => {
    await registerHls("paramsc", 1);
  });

  it("GET /models/{model} gives the spec with its params schema and defaults; GET /models keeps the contract's shape", async () => {
    const shot = await json<ApiBody>(await call("GET", "/models/shot", { token: null }), 200);
    expect(shot).toMatchObject({ name: "shot", type: "video", tag_tracks: [{ name: "shot_detection", label: "Shot Detection" }], default_params: { threshold: 0.3 }, provider: { kind: "http" }, builtin: true });
    expect(shot.params_schema).toMatchObject({ type: "object", properties: { threshold: { type: "number", minimum: 0, maximum: 1 } }, additionalProperties: false });
    // The provider's address is not public.
    expect(JSON.stringify(shot)).not.toContain("127.0.0.1");
    const list = await json<ApiBody>(await call("GET", "/models", { token: null }), 200);
    for (const m of list.models) expect(Object.keys(m).sort()).toEqual(["available", "description", "name", "tag_tracks", "type"]);
    expect(list.models.map((m: { name: string }) => m.name)).toEqual(expect.arrayContaining(["black", "loudness", "ocr", "shot", "silence"]));
    await expectError(await call("GET", "/models/nope"), 404, "MODEL_NOT_FOUND");
  });

  it("refuses model_params that break the schema with 400 naming the field", async () => {
    await expectError(await call("POST", "/paramsc/tag", { body: { jobs: [{ model: "shot", model_params: { threshold: 3 } }] } }), 400, "INVALID_MODEL_PARAMS", /threshold: 3 is greater than 1/);
    await expectError(await call("POST", "/paramsc/tag", { body: { jobs: [{ model: "shot", model_params: { threshold: "high" } }] } }), 400, "INVALID_MODEL_PARAMS", /threshold: .*Expected "number"/);
    // Keys the schema does not declare are not judged (they go to the provider, as Eluvio's tagger does: contract-loose-ends.test.ts).
    // A bad second job refuses the request: nothing starts.
    await expectError(await call("POST", "/paramsc/tag", { body: { jobs: [{ model: "black" }, { model: "silence", model_params: { noise_db: 10 } }] } }), 400, "INVALID_MODEL_PARAMS", /noise_db/);
    expect((await json<ApiBody>(await call("GET", "/job-status?qid=paramsc"), 200)).jobs).toEqual([]);
  });

  it("merges valid params over the defaults into the job's run_config", async () => {
    await json(
      await call("PUT", "/models/schemed", {
        token: ADMIN,
        body: {
          type: "video",
          provider: { kind: "http", url: env.TEST_PROVIDER_URL },
          default_params: { tags_per_part: 2 },
          params_schema: { type: "object", properties: { tags_per_part: { type: "integer", minimum: 0 }, latency_ms: { type: "integer" } }, additionalProperties: false },
        },
      }),
      200,
    );
    await expectError(await call("POST", "/paramsc/tag", { body: { jobs: [{ model: "schemed", model_params: { tags_per_part: 1.5 } }] } }), 400, "INVALID_MODEL_PARAMS", /tags_per_part/);
    const started = await startJob("paramsc", { jobs: [{ model: "schemed", model_params: { latency_ms: 1 } }] });
    expect(started.jobs[0]?.started).toBe(true);
    const jobs = await json<ApiBody>(await call("GET", "/job-status?qid=paramsc&model=schemed"), 200);
    expect(jobs.jobs[0].params.run_config).toEqual({ tags_per_part: 2, latency_ms: 1 });
    const detail = await json<ApiBody>(await call("GET", "/models/schemed"), 200);
    expect(detail).toMatchObject({ builtin: false, default_params: { tags_per_part: 2 }, params_schema: { properties: { latency_ms: { type: "integer" } } } });
  });

  it("refuses unusable schemas and defaults that break their own schema when the model is registered", async () => {
    const put = (body: Record<string, unknown>) => call("PUT", "/models/broken", { token: ADMIN, body: { type: "video", provider: { kind: "http", url: "http://127.0.0.1:9" }, ...body } });
    await expectError(await put({ params_schema: { type: "array" } }), 400, /.+/, /must describe an object/);
    await expectError(await put({ params_schema: { type: "object", properties: { a: { type: "strin" } } } }), 400, /.+/, /a: type "strin" is not a JSON Schema type/);
    await expectError(await put({ params_schema: { type: "object", properties: { a: { $ref: "#/nowhere" } } } }), 400, /.+/, /Unresolved \$ref/);
    await expectError(await put({ params_schema: { type: "object", properties: { a: { type: "string" } } }, default_params: { a: 1 } }), 400, /.+/, /default_params do not satisfy params_schema: a:/);
    await expectError(await put({ params_schema: "not an object" }), 400, "VALIDATION_ERROR", /params_schema/);
    await expectError(await call("GET", "/models/broken"), 404);
  });
});
