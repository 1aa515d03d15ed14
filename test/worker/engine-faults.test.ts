import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { consumeBatch } from "../../src/pipeline/consumer";
import { runnerName } from "../../src/contract/runner";
import type { TagRunner } from "../../src/durable-objects/tag-runner";
import { call, json, providerCalls, registerHls, registerModel, startJob, waitFor, type ApiBody } from "./helpers";

describe("engine under concurrency and faults", () => {
  it("starts exactly one job when 20 start requests race for the same pair", async () => {
    await registerModel("race", { provider: { kind: "http", url: env.TEST_PROVIDER_URL } });
    await registerHls("racy", 2);
    const results = await Promise.all(Array.from({ length: 20 }, () => startJob("racy", { jobs: [{ model: "race", model_params: { latency_ms: 300 } }] })));
    const started = results.filter((r) => r.jobs[0]!.started);
    expect(started).toHaveLength(1);
    for (const r of results.filter((x) => !x.jobs[0]!.started)) {
      expect(r.jobs[0]).toEqual({
        job_id: "",
        model: "race",
        stream: "video",
        started: false,
        message: "A job with params (qid=racy, model=race, stream=video) is already running",
        error: null,
        running_job_id: started[0]!.jobs[0]!.job_id,
      });
    }
    await waitFor("racy", started[0]!.jobs[0]!.job_id, ["succeeded"]);
    const all = await json<{ jobs: ApiBody[] }>(await call("GET", "/racy/job-status"), 200);
    expect(all.jobs).toHaveLength(1);
  });

  it("changes nothing when a part message is delivered twice", async () => {
    await registerModel("dup");
    await registerHls("dupe", 3);
    const { jobs } = await startJob("dupe", { jobs: [{ model: "dup", model_params: { tags_per_part: 3 } }] });
    const jobId = jobs[0]!.job_id;
    await waitFor("dupe", jobId, ["succeeded"]);
    const before = await json<{ tags: ApiBody[] }>(await call("GET", "/dupe/tags"), 200);
    // Redeliver a part of the finished job, twice, straight to the consumer.
    const part = { id: "video/0-4000", idx: 0, start_ms: 0, duration_ms: 4000, kind: "segment", source: "r2:files/dupe/hls/seg0.ts", content_type: "video/mp2t" };
    const body = { type: "part", job_id: jobId, runner: runnerName("dupe", "dup"), part, attempt: 1 };
    const batch = createMessageBatch("parts", [
      { id: "m1", timestamp: new Date(), attempts: 1, body },
      { id: "m2", timestamp: new Date(), attempts: 1, body },
    ]);
    const ctx = createExecutionContext();
    await consumeBatch(batch, env);
    expect(await getQueueResult(batch, ctx)).toMatchObject({ explicitAcks: ["m1", "m2"], retryMessages: [] });
    const after = await json<{ tags: ApiBody[] }>(await call("GET", "/dupe/tags"), 200);
    expect(after.tags).toEqual(before.tags);
    const status = await waitFor("dupe", jobId, ["succeeded"]);
    expect(status.tag_details).toMatchObject({ total_parts: 3, tagged_parts: 3, downloaded_parts: 3 });
  });

  it("writes a part's tags once even when the consumer runs it twice while it is in flight", async () => {
    await registerModel("twice");
    await registerHls("twice-c", 2);
    const { jobs } = await startJob("twice-c", { jobs: [{ model: "twice", model_params: { latency_ms: 200, tags_per_part: 2 } }] });
    const jobId = jobs[0]!.job_id;
    // While the real delivery is in flight, deliver the same part again.
    await new Promise((r) => setTimeout(r, 50));
    const part = { id: "video/0-4000", idx: 0, start_ms: 0, duration_ms: 4000, kind: "segment", source: "r2:files/twice-c/hls/seg0.ts", content_type: "video/mp2t" };
    const batch = createMessageBatch("parts", [{ id: "x", timestamp: new Date(), attempts: 1, body: { type: "part", job_id: jobId, runner: runnerName("twice-c", "twice"), part, attempt: 1 } }]);
    await consumeBatch(batch, env);
    await waitFor("twice-c", jobId, ["succeeded"]);
    const tags = await json<{ tags: ApiBody[]; meta: ApiBody }>(await call("GET", "/twice-c/tags"), 200);
    expect(tags.meta.total).toBe(4);
    const status = await waitFor("twice-c", jobId, ["succeeded"]);
    expect(status.tagging_progress).toBe("2/2");
  });

  it("retries a provider 5xx, and a part that keeps failing becomes a warning", async () => {
    await registerModel("flaky");
    await registerHls("flaky-c", 3);
    // Every part fails once (retried), and the part at 4 s always fails.
    const { jobs } = await startJob("flaky-c", {
      options: { max_fetch_retries: 2 },
      jobs: [{ model: "flaky", model_params: { fail_first: 1, fail_parts: [4000] } }],
    });
    const done = await waitFor("flaky-c", jobs[0]!.job_id, ["succeeded", "failed"], 25_000);
    expect(done.status).toBe("succeeded");
    expect(done.tag_details).toMatchObject({
      total_parts: 3,
      tagged_parts: 2,
      warnings: { num_warnings: 1, last_warning: expect.stringMatching(/^Failed to tag part video\/4000-8000: Provider answered 503/) },
    });
    const calls = await providerCalls("flaky");
    expect(calls.filter((c) => c.media.start_ms === 0).map((c) => c.status)).toEqual([503, 200]);
    // 1 attempt + max_fetch_retries retries for the part that never succeeds.
    expect(calls.filter((c) => c.media.start_ms === 4000)).toHaveLength(3);
  });

  it("fails the job when the model rejects every part (4xx is permanent, not retried)", async () => {
    await registerModel("reject");
    await registerHls("reject-c", 2);
    const { jobs } = await startJob("reject-c", { jobs: [{ model: "reject", model_params: { fail_status: 422 } }] });
    const done = await waitFor("reject-c", jobs[0]!.job_id, ["succeeded", "failed"]);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/Provider answered 422/);
    expect(done.tag_details.tag_status).toBe("Failed");
    // The media was fetched although the model refused it at once: it counts as downloaded.
    expect(done.tag_details).toMatchObject({ total_parts: 2, downloaded_parts: 2, tagged_parts: 0 });
    expect(await providerCalls("reject")).toHaveLength(2);
  });

  it("warns 'Failed to download part' when a part's media cannot be fetched", async () => {
    await registerModel("nofile");
    await registerHls("holes", 3);
    await env.BUCKET.delete("files/holes/hls/seg1.ts");
    const { jobs } = await startJob("holes", { jobs: [{ model: "nofile" }] });
    const done = await waitFor("holes", jobs[0]!.job_id, ["succeeded", "failed"]);
    expect(done.status).toBe("succeeded");
    expect(done.tag_details).toMatchObject({ total_parts: 3, tagged_parts: 2, downloaded_parts: 2, warnings: { num_warnings: 1, last_warning: "Failed to download part video/4000-8000: No uploaded file at files/holes/hls/seg1.ts" } });
  });

  it("fails a job whose content cannot be listed", async () => {
    await registerModel("nolist");
    await json(await call("PUT", "/contents/nolist-c", { body: { title: "x", streams: { video: { file: "missing.m3u8" } } } }), 201);
    const { jobs } = await startJob("nolist-c", { options: { max_fetch_retries: 0 }, jobs: [{ model: "nolist" }] });
    const done = await waitFor("nolist-c", jobs[0]!.job_id, ["failed", "succeeded"]);
    expect(done).toMatchObject({ status: "failed", error: expect.stringMatching(/^Failed to list parts of nolist-c/) });
  });

  it("re-dispatches a part whose result is overdue when the alarm fires", async () => {
    await registerModel("slow", { provider: { kind: "http", url: env.TEST_PROVIDER_URL, timeout_s: 1 } });
    await registerHls("slow-c", 1);
    const { jobs } = await startJob("slow-c", { jobs: [{ model: "slow", model_params: { latency_ms: 1500 } }] });
    const jobId = jobs[0]!.job_id;
    const stub = env.TAG_RUNNER.getByName(runnerName("slow-c", "slow"));
    // Once the part is in flight, let its deadline pass on the runner's clock, then run the alarm.
    await expect.poll(async () => (await stub.parts()).map((p) => [p.state, p.attempts]), { timeout: 5000 }).toEqual([["inflight", 1]]);
    await runInDurableObject(stub, (runner: TagRunner) => runner.clock.advance(10 * 60_000));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.parts()).map((p) => p.attempts)).toEqual([2]);
    // The provider times out (1 s) on every try; after the retries the part is a warning.
    const done = await waitFor("slow-c", jobId, ["succeeded", "failed"], 25_000);
    expect(done.status).toBe("failed");
    expect(done.tag_details.warnings.last_warning).toMatch(/timed out/);
    void exports;
  });
});
