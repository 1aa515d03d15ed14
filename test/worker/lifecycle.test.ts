import { describe, expect, it } from "vitest";
import { call, expectError, json, registerHls, registerModel, startJob, waitFor, type ApiBody } from "./helpers";

describe("job lifecycle", () => {
  it("stops a running job promptly; it ends cancelled and keeps its tags and report", async () => {
    await registerModel("stopme", { provider: { kind: "http", url: (await import("cloudflare:workers")).env.TEST_PROVIDER_URL, concurrency: 1 } });
    await registerHls("long", 8);
    const { jobs } = await startJob("long", { jobs: [{ model: "stopme", model_params: { latency_ms: 150 } }] });
    const jobId = jobs[0]!.job_id;
    await expect.poll(async () => (await json<{ tags: ApiBody[] }>(await call("GET", "/long/tags"), 200)).tags.length, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    const stopped = await json(await call("POST", "/long/stop/stopme"), 200);
    expect(stopped).toEqual({ jobs: [{ job_id: jobId, message: "Stop requested" }], message: "Stopping 1 job(s). Check with /job-status for completion." });
    // The stop is recorded before the response, so the status says so at once.
    const st = await waitFor("long", jobId, ["cancelled"], 1000);
    expect(st.tag_details.tag_status).toBe("Stopped");
    const tagsAtStop = (await json<{ tags: ApiBody[] }>(await call("GET", "/long/tags"), 200)).tags.length;
    expect(tagsAtStop).toBeGreaterThanOrEqual(1);
    expect(tagsAtStop).toBeLessThan(8);
    await new Promise((r) => setTimeout(r, 400));
    const later = (await json<{ tags: ApiBody[] }>(await call("GET", "/long/tags"), 200)).tags.length;
    expect(later).toBeLessThanOrEqual(tagsAtStop + 1); // at most the part that was in flight
    const detail = await json<ApiBody>(await call("GET", "/long/tag-status/stopme"), 200);
    expect(detail.jobs).toHaveLength(1);
    expect(detail.jobs[0].job_status.status).toBe("Stopped");
    expect(detail.jobs[0].upload_status.num_tagged_parts).toBe(later);
    // Nothing left to stop.
    await expectError(await call("POST", "/long/stop/stopme"), 404, "NO_RUNNING_JOBS", "No running jobs found for qid: long, model: stopme");
    await expectError(await call("POST", "/long/stop"), 404, undefined, "No running jobs found for qid: long");
  });

  it("diff-based tagging: replace=false skips tagged parts, replace=true tags them all again", async () => {
    await registerModel("diff");
    await registerHls("diffc", 4);
    const first = await startJob("diffc", { jobs: [{ model: "diff" }] });
    await waitFor("diffc", first.jobs[0]!.job_id, ["succeeded"]);
    const second = await startJob("diffc", { jobs: [{ model: "diff" }] });
    const s2 = await waitFor("diffc", second.jobs[0]!.job_id, ["succeeded"]);
    expect(s2).toMatchObject({ progress: 1, tagging_progress: "0/0", tag_details: { total_parts: 0, tagged_parts: 0 } });
    const third = await startJob("diffc", { options: { replace: true }, jobs: [{ model: "diff" }] });
    const s3 = await waitFor("diffc", third.jobs[0]!.job_id, ["succeeded"]);
    expect(s3.tag_details).toMatchObject({ total_parts: 4, tagged_parts: 4 });
    // Only a scope window: parts overlapping [4 s, 8 s) are in scope.
    const fourth = await startJob("diffc", { options: { replace: true, scope: { start_time: 4, end_time: 8 } }, jobs: [{ model: "diff" }] });
    const s4 = await waitFor("diffc", fourth.jobs[0]!.job_id, ["succeeded"]);
    expect(s4.tag_details.total_parts).toBe(1);
    expect(s4.params.scope).toEqual({ type: "video", start_time: 4, end_time: 8, stream: "video" });
    const summary = await json<ApiBody>(await call("GET", "/diffc/tag-status"), 200);
    expect(summary.models).toEqual([{ model: "diff", track: "diff", last_run: expect.stringMatching(/Z$/), percent_completion: 1 }]);
    const detail = await json<ApiBody>(await call("GET", "/diffc/tag-status/diff"), 200);
    expect(detail.summary).toMatchObject({ model: "diff", track: "diff", tagging_progress: 1, num_content_parts: 4 });
    expect(detail.jobs.map((j: ApiBody) => j.upload_status)).toEqual([
      { num_job_parts: 4, num_tagged_parts: 4 },
      { num_job_parts: 0, num_tagged_parts: 0 },
      { num_job_parts: 4, num_tagged_parts: 4 },
      { num_job_parts: 1, num_tagged_parts: 1 },
    ]);
    expect(detail.jobs[0]).toMatchObject({ source_qid: "diffc", job_status: { status: "Completed", time_ran: expect.stringMatching(/^\d+h \d+m \d+s$/) } });
    // One current copy: run 3 (replace) superseded run 1's tags, and run 4 (replace, 4-8 s) run 3's tag there.
    const current = (await json<ApiBody>(await call("GET", "/diffc/tags"), 200)).tags as ApiBody[];
    expect(current.map((t) => [t.start_time, t.job_id])).toEqual([
      [0, third.jobs[0]!.job_id],
      [4000, fourth.jobs[0]!.job_id],
      [8000, third.jobs[0]!.job_id],
      [12_000, third.jobs[0]!.job_id],
    ]);
    await expectError(await call("GET", "/diffc/tag-status/never"), 404, "NO_JOBS_FOUND");
  });

  it("writes tags, tracks and reports to destination_qid, and diff-based tagging reads them there", async () => {
    await registerModel("dest");
    await registerHls("src1", 2);
    await json(await call("PUT", "/contents/dst1", { body: { title: "destination", streams: { video: { url: "https://example.com/x.m3u8" } } } }), 201);
    const { jobs } = await startJob("src1", { jobs: [{ model: "dest", overrides: { destination_qid: "dst1" } }] });
    await waitFor("src1", jobs[0]!.job_id, ["succeeded"]);
    expect((await json<ApiBody>(await call("GET", "/src1/tags"), 200)).meta.total).toBe(0);
    expect((await json<ApiBody>(await call("GET", "/dst1/tags"), 200)).meta.total).toBe(2);
    expect((await json<ApiBody>(await call("GET", "/dst1/tracks"), 200)).tracks).toEqual([{ name: "dest", label: "Dest", models: ["dest"], tag_count: 2 }]);
    const detail = await json<ApiBody>(await call("GET", "/dst1/tag-status/dest"), 200);
    expect(detail.jobs[0].source_qid).toBe("src1");
    const again = await startJob("src1", { options: { destination_qid: "dst1" }, jobs: [{ model: "dest" }] });
    expect((await waitFor("src1", again.jobs[0]!.job_id, ["succeeded"])).tag_details.total_parts).toBe(0);
  });

  it("deletes only finished jobs, and deleted jobs disappear from every list", async () => {
    await registerModel("del");
    await registerHls("delc", 1);
    const { jobs } = await startJob("delc", { jobs: [{ model: "del", model_params: { latency_ms: 300 } }] });
    const jobId = jobs[0]!.job_id;
    await expectError(await call("DELETE", `/jobs/${jobId}`), 400, "JOB_ACTIVE");
    await waitFor("delc", jobId, ["succeeded"]);
    expect((await call("DELETE", `/jobs/${jobId}`)).status).toBe(204);
    await expectError(await call("DELETE", `/jobs/${jobId}`), 404, "JOB_NOT_FOUND");
    await expectError(await call("GET", "/delc/job-status"), 404, undefined, "No jobs found");
    const mine = await json<ApiBody>(await call("GET", "/job-status?qid=delc"), 200);
    expect(mine.jobs).toEqual([]);
  });

  it("filters and pages /job-status", async () => {
    await registerModel("fa");
    await registerModel("fb");
    await registerHls("filt", 1, { title: "Casablanca Remastered" });
    const { jobs } = await startJob("filt", { jobs: [{ model: "fa" }, { model: "fb" }] });
    for (const j of jobs) await waitFor("filt", j.job_id, ["succeeded"]);
    const byModel = await json<ApiBody>(await call("GET", "/job-status?model=fb&qid=filt"), 200);
    expect(byModel.jobs.map((j: ApiBody) => j.model)).toEqual(["fb"]);
    expect((await json<ApiBody>(await call("GET", "/job-status?title=casablanca&status=completed"), 200)).meta.total).toBe(2);
    expect((await json<ApiBody>(await call("GET", "/job-status?qid=filt&status=running"), 200)).jobs).toEqual([]);
    const page = await json<ApiBody>(await call("GET", "/job-status?qid=filt&start=1&limit=1"), 200);
    expect(page.meta).toEqual({ total: 2, start: 1, limit: 1, count: 1 });
    // A page past the end still tells the total.
    const past = await json<ApiBody>(await call("GET", "/job-status?qid=filt&start=5&limit=1"), 200);
    expect(past).toEqual({ jobs: [], meta: { total: 2, start: 5, limit: 1, count: 0 } });
    await expectError(await call("GET", "/job-status?limit=abc"), 400, "VALIDATION_ERROR", /limit/);
    await expectError(await call("GET", "/job-status?bogus=1"), 400, "VALIDATION_ERROR", /bogus/);
    await expectError(await call("GET", "/job-status?status=done"), 400, "VALIDATION_ERROR", /status/);
  });
});
