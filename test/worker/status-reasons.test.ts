import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, json, registerHls, registerModel, startJob, waitFor, type ApiBody } from "./helpers";

describe("status reasons: why a job is in its status, and since when", () => {
  it("names the reason for each way a job ends, with the time it got there", async () => {
    await registerModel("reasons");
    await registerHls("reasons-c", 2);
    const ok = await startJob("reasons-c", { jobs: [{ model: "reasons" }] });
    const done = await waitFor("reasons-c", ok.jobs[0]!.job_id, ["succeeded"]);
    expect(done).toMatchObject({ status: "succeeded", status_reason: "completed" });
    expect(Date.parse(done.status_changed)).toBeGreaterThanOrEqual(Date.parse(done.created_at));

    const again = await startJob("reasons-c", { jobs: [{ model: "reasons" }] });
    expect(await waitFor("reasons-c", again.jobs[0]!.job_id, ["succeeded"])).toMatchObject({ status_reason: "nothing_to_tag" });

    const failing = await startJob("reasons-c", { options: { replace: true }, jobs: [{ model: "reasons", model_params: { fail_status: 422 } }] });
    expect(await waitFor("reasons-c", failing.jobs[0]!.job_id, ["failed"])).toMatchObject({ status_reason: "model_failed" });

    const slow = await startJob("reasons-c", { options: { replace: true }, jobs: [{ model: "reasons", model_params: { latency_ms: 500 } }] });
    await json(await call("POST", "/reasons-c/stop"), 200);
    expect(await waitFor("reasons-c", slow.jobs[0]!.job_id, ["cancelled"])).toMatchObject({ status_reason: "stopped_by_user" });

    await json(await call("PUT", "/contents/reasons-gone", { body: { title: "x", streams: { video: { file: "missing.m3u8" } } } }), 201);
    const gone = await startJob("reasons-gone", { options: { max_fetch_retries: 0 }, jobs: [{ model: "reasons" }] });
    expect(await waitFor("reasons-gone", gone.jobs[0]!.job_id, ["failed"])).toMatchObject({ status_reason: "source_unreachable" });

    // Every JobStatus carries them, the list's included.
    const list = await json<ApiBody>(await call("GET", "/job-status?qid=reasons-c"), 200);
    expect(list.jobs.map((j: ApiBody) => j.status_reason).sort()).toEqual(["completed", "model_failed", "nothing_to_tag", "stopped_by_user"]);
    void env;
  });
});
