import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, devToken, expectError, json, providerCalls, registerHls, registerModel, startJob, waitFor, type ApiBody } from "./helpers";

/** What Eluvio's clients rely on beyond the success bodies (issue: the contract's loose ends). */
describe("the Tagger API's loose ends", () => {
  it("limit=0 counts on both job-status routes; /{qid}/job-status takes the same filters and paging", async () => {
    await registerModel("loose");
    await registerHls("loose-c", 1);
    const a = await startJob("loose-c", { jobs: [{ model: "loose" }] });
    await waitFor("loose-c", a.jobs[0]!.job_id, ["succeeded"]);
    const b = await startJob("loose-c", { options: { replace: true }, jobs: [{ model: "loose", model_params: { fail_status: 422 } }] });
    await waitFor("loose-c", b.jobs[0]!.job_id, ["failed"]);
    for (const path of ["/job-status?qid=loose-c&limit=0", "/loose-c/job-status?limit=0"]) {
      const page = await json<ApiBody>(await call("GET", path), 200);
      expect(page.jobs, path).toEqual([]);
      expect(page.meta, path).toMatchObject({ total: 2, limit: 0, count: 0 });
    }
    const failed = await json<ApiBody>(await call("GET", "/loose-c/job-status?status=failed&model=loose&start=0&limit=10"), 200);
    expect(failed.jobs.map((j: ApiBody) => j.job_id)).toEqual([b.jobs[0]!.job_id]);
    const titled = await json<ApiBody>(await call("GET", "/loose-c/job-status?title=nothing-like-this"), 200);
    expect(titled.meta.total).toBe(0);
    // Still strict about what it does not know, and still 404 for a content without jobs.
    await expectError(await call("GET", "/loose-c/job-status?bogus=1"), 400, "VALIDATION_ERROR", /bogus/);
    await registerHls("loose-empty", 1);
    await expectError(await call("GET", "/loose-empty/job-status"), 404, "NO_JOBS_FOUND");
  });

  it("ignores unknown query parameters on the tag, stop, tag-status and delete routes", async () => {
    await registerModel("loosep");
    await registerHls("loose-q", 1);
    const started = await json<ApiBody>(await call("POST", "/loose-q/tag?client=cli&v=2", { body: { jobs: [{ model: "loosep", model_params: { latency_ms: 300 } }] } }), 200);
    expect(started.jobs[0].started).toBe(true);
    await json(await call("POST", "/loose-q/stop/loosep?client=cli"), 200);
    const done = await waitFor("loose-q", started.jobs[0].job_id, ["cancelled"]);
    await json(await call("GET", "/loose-q/tag-status?client=cli"), 200);
    // Stopped before its parts were listed, the model never ran here: the contract's 404, not a 400 for the parameter.
    await expectError(await call("GET", "/loose-q/tag-status/loosep?client=cli"), 404, "NO_JOBS_FOUND");
    expect((await call("DELETE", `/jobs/${done.job_id}?client=cli`)).status).toBe(204);
  });

  it("passes model_params keys a schema does not declare through to the provider; a declared key is still checked", async () => {
    await json(
      await call("PUT", "/models/passthru", {
        token: ADMIN,
        body: { type: "video", provider: { kind: "http", url: env.TEST_PROVIDER_URL }, params_schema: { type: "object", properties: { tags_per_part: { type: "integer", minimum: 0 } }, additionalProperties: false } },
      }),
      200,
    );
    await registerHls("loose-p", 1);
    await expectError(await call("POST", "/loose-p/tag", { body: { jobs: [{ model: "passthru", model_params: { tags_per_part: "two", tags: ["x"] } }] } }), 400, "INVALID_MODEL_PARAMS", /tags_per_part/);
    const { jobs } = await startJob("loose-p", { jobs: [{ model: "passthru", model_params: { tags_per_part: 1, tags: ["x"], vendor_option: true } }] });
    await waitFor("loose-p", jobs[0]!.job_id, ["succeeded"]);
    expect((await providerCalls("passthru"))[0]!.params).toEqual({ tags_per_part: 1, tags: ["x"], vendor_option: true });
  });

  it("deleted jobs leave /tag-status and /tag-status/{model}", async () => {
    await registerModel("looseh");
    await registerHls("loose-h", 1);
    const first = await startJob("loose-h", { jobs: [{ model: "looseh" }] });
    await waitFor("loose-h", first.jobs[0]!.job_id, ["succeeded"]);
    const second = await startJob("loose-h", { options: { replace: true }, jobs: [{ model: "looseh" }] });
    await waitFor("loose-h", second.jobs[0]!.job_id, ["succeeded"]);
    expect((await json<ApiBody>(await call("GET", "/loose-h/tag-status/looseh"), 200)).jobs).toHaveLength(2);
    expect((await call("DELETE", `/jobs/${first.jobs[0]!.job_id}`)).status).toBe(204);
    expect((await json<ApiBody>(await call("GET", "/loose-h/tag-status/looseh"), 200)).jobs).toHaveLength(1);
    expect((await call("DELETE", `/jobs/${second.jobs[0]!.job_id}`)).status).toBe(204);
    const summary = await json<ApiBody>(await call("GET", "/loose-h/tag-status"), 200);
    expect(summary.models).toEqual([]);
    await expectError(await call("GET", "/loose-h/tag-status/looseh"), 404);
  });

  it("DELETE /jobs/{id} by its owner naming another tenant is 403", async () => {
    const owner = "0x00000000000000000000000000000000000000c1";
    for (const t of ["loose-t1", "loose-t2"]) {
      await json(await call("PUT", `/tenants/${t}`, { token: ADMIN, body: { name: t } }), 201);
      await json(await call("PUT", `/tenants/${t}/members/${owner}`, { token: ADMIN, body: { role: "admin" } }), 200);
    }
    const token = devToken(owner);
    await registerModel("looset");
    await registerHls("loose-own", 1, { token, tenant: "loose-t1" });
    const { jobs } = await startJob("loose-own", { jobs: [{ model: "looset" }] }, token);
    await waitFor("loose-own", jobs[0]!.job_id, ["succeeded"], 20_000, token);
    await expectError(await call("DELETE", `/jobs/${jobs[0]!.job_id}?tenant=loose-t2`, { token }), 403, /.+/, /not in tenant loose-t2/);
    expect((await call("DELETE", `/jobs/${jobs[0]!.job_id}?tenant=loose-t1`, { token })).status).toBe(204);
  });
});
