import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runnerName } from "../../src/contract/runner";
import { call, devToken, expectError, json, providerCalls, registerHls, registerModel, startJob, waitFor, type ApiBody } from "./helpers";

describe("resuming a stopped or failed job", () => {
  it("runs only the parts not yet tagged, with the same parameters", async () => {
    await registerModel("resumem", { provider: { kind: "http", url: env.TEST_PROVIDER_URL, concurrency: 1 } });
    await registerHls("resume-c", 4);
    const { jobs } = await startJob("resume-c", { jobs: [{ model: "resumem", model_params: { latency_ms: 400, tags_per_part: 2 } }] });
    const first = jobs[0]!.job_id;
    await expect.poll(async () => (await json<ApiBody>(await call("GET", "/resume-c/job-status"), 200)).jobs[0].tag_details?.tagged_parts ?? 0, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await json(await call("POST", "/resume-c/stop"), 200);
    const stopped = await waitFor("resume-c", first, ["cancelled"]);
    expect(stopped.status).toBe("cancelled");
    // Wait for the part that was at the provider to land (it is counted in the stopped job).
    const runner = env.TAG_RUNNER.getByName(runnerName("resume-c", "resumem"));
    await expect.poll(async () => (await runner.parts()).filter((p) => p.state === "stopping").length, { timeout: 5000 }).toBe(0);
    const landed = (await waitFor("resume-c", first, ["cancelled"])).tag_details.tagged_parts as number;
    expect(landed).toBeGreaterThanOrEqual(1);
    const resumed = await json<ApiBody>(await call("POST", `/jobs/${first}/resume`), 200);
    expect(resumed).toMatchObject({ model: "resumem", stream: "video", started: true, message: "Job enqueued", error: null });
    const second = await waitFor("resume-c", resumed.job_id, ["succeeded", "failed"]);
    expect(second.status).toBe("succeeded");
    expect(second.tag_details.total_parts).toBe(4 - landed);
    expect(second.params).toMatchObject({ replace: false, run_config: { latency_ms: 400, tags_per_part: 2 } });
    // Every part is tagged once, over the two runs.
    const tags = (await json<ApiBody>(await call("GET", "/resume-c/tags?limit=100"), 200)).tags as ApiBody[];
    expect(new Set(tags.map((t) => t.source)).size).toBe(4);
    expect(tags).toHaveLength(8);
    expect((await providerCalls("resumem")).every((c) => c.params.tags_per_part === 2)).toBe(true);
  });

  it("refuses a job that is not stopped or failed, one that is busy, and someone else's", async () => {
    await registerModel("resumex");
    await registerHls("resume-x", 1);
    const { jobs } = await startJob("resume-x", { jobs: [{ model: "resumex" }] });
    await waitFor("resume-x", jobs[0]!.job_id, ["succeeded"]);
    await expectError(await call("POST", `/jobs/${jobs[0]!.job_id}/resume`), 400, "JOB_NOT_RESUMABLE", /succeeded/);
    await expectError(await call("POST", "/jobs/no-such-job/resume"), 404, "JOB_NOT_FOUND");
    // A failed job while another job of the pair runs: the contract's busy answer.
    const failed = await startJob("resume-x", { options: { replace: true }, jobs: [{ model: "resumex", model_params: { fail_status: 422 } }] });
    await waitFor("resume-x", failed.jobs[0]!.job_id, ["failed"]);
    const busy = await startJob("resume-x", { options: { replace: true }, jobs: [{ model: "resumex", model_params: { latency_ms: 800 } }] });
    const answer = await json<ApiBody>(await call("POST", `/jobs/${failed.jobs[0]!.job_id}/resume`), 200);
    expect(answer).toMatchObject({ started: false, job_id: "", running_job_id: busy.jobs[0]!.job_id, message: expect.stringMatching(/already running/) });
    // Another member of the tenant may not resume the development user's job.
    const other = "0x00000000000000000000000000000000000000d2";
    await json(await call("PUT", `/tenants/dev/members/${other}`, { token: "test-admin-token", body: { role: "member" } }), 200);
    await expectError(await call("POST", `/jobs/${failed.jobs[0]!.job_id}/resume`, { token: devToken(other) }), 403, /.+/, /another user/);
  });
});
