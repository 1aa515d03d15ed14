import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runnerName } from "../../src/contract/runner";
import type { TagRunner } from "../../src/durable-objects/tag-runner";
import { handlePart } from "../../src/pipeline/part";
import { call, json, providerCalls, registerHls, registerModel, runnerJobInit, startJob, waitFor } from "./helpers";

/*
 * The pull loop: a consumer that reports a part done may take the job's next part in the reply
 * and run it at once, instead of the runner queueing it. The handed part is in flight like every
 * other part, so a consumer lost before it ran the part leaves it to the runner's deadline.
 */
describe("the pull loop", () => {
  it("hands the next part to the consumer that reports one done, and sends it again at its deadline if that consumer is lost", async () => {
    // One slot: the job has one part in flight at a time, so the next part is only sent on a result.
    await registerModel("handoff", { provider: { kind: "http", url: env.TEST_PROVIDER_URL, name: "test-handoff", concurrency: 1 } });
    await registerHls("handoff-c", 2);
    const { jobs } = await startJob("handoff-c", { jobs: [{ model: "handoff", model_params: { latency_ms: 1500 } }] });
    const jobId = jobs[0]!.job_id;
    const stub = env.TAG_RUNNER.getByName(runnerName("handoff-c", "handoff"));
    await expect.poll(async () => (await stub.parts()).map((p) => [p.state, p.attempts]), { timeout: 5000 }).toEqual([["inflight", 1], ["pending", 0]]);
    const [first, second] = (await stub.parts()).map((p) => p.id);

    // A consumer finishes the first part and takes the next one... and is lost before running it.
    const handed = await stub.partDone(jobId, first!, { ok: true, tags: 0 }, true);
    expect(handed).toMatchObject({ type: "part", job_id: jobId, part: { id: second }, attempt: 1 });
    expect(handed!.queued_at).toBeGreaterThan(0);
    // Reported twice (the real consumer's own report when the provider answers): nothing more is handed.
    expect(await stub.partDone(jobId, first!, { ok: true, tags: 0 }, true)).toBeNull();

    // The handed part was queued nowhere: it waits in flight, and the provider never sees it.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await stub.parts()).map((p) => [p.state, p.attempts])).toEqual([["done", 1], ["inflight", 1]]);
    expect((await providerCalls("handoff")).filter((c) => c.media.start_ms === 4000)).toHaveLength(0);

    // Its deadline passes: the runner sends it through the queue, and the job completes.
    await runInDurableObject(stub, (runner: TagRunner) => runner.clock.advance(10 * 60_000));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.parts()).map((p) => p.attempts)).toEqual([1, 2]);
    const done = await waitFor("handoff-c", jobId, ["succeeded", "failed"], 15_000);
    expect(done.status).toBe("succeeded");
    expect((await providerCalls("handoff")).filter((c) => c.media.start_ms === 4000)).toHaveLength(1);
  });

  it("a part handed over just before a stop runs once and counts, as a part in flight at the stop does; nothing more is handed and the job stays cancelled", async () => {
    await registerModel("handstop", { provider: { kind: "http", url: env.TEST_PROVIDER_URL, name: "test-handstop", concurrency: 1 } });
    await registerHls("handstop-c", 3);
    const { jobs } = await startJob("handstop-c", { jobs: [{ model: "handstop", model_params: { latency_ms: 1500 } }] });
    const jobId = jobs[0]!.job_id;
    const stub = env.TAG_RUNNER.getByName(runnerName("handstop-c", "handstop"));
    await expect.poll(async () => (await stub.parts()).map((p) => p.state), { timeout: 5000 }).toEqual(["inflight", "pending", "pending"]);
    const [first, second] = (await stub.parts()).map((p) => p.id);
    const handed = await stub.partDone(jobId, first!, { ok: true, tags: 0 }, true);
    expect(handed).toMatchObject({ part: { id: second } });

    // The stop lands between the handover and the consumer running the part.
    const t0 = Date.now();
    await json(await call("POST", "/handstop-c/stop/handstop"), 200);
    await waitFor("handstop-c", jobId, ["cancelled"], 1000);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect((await stub.parts()).map((p) => p.state)).toEqual(["done", "stopping", "cancelled"]);

    // The consumer runs what it was handed, with the job's parameters that came with it.
    const init = await runnerJobInit("handstop-c", "handstop");
    const outcome = await handlePart(env, handed!, true, init);
    expect(outcome).toMatchObject({ kind: "ack", next: null });
    expect((await stub.parts()).map((p) => p.state)).toEqual(["done", "done", "cancelled"]);
    expect((await providerCalls("handstop")).filter((c) => c.media.start_ms === 4000)).toHaveLength(1);
    expect((await providerCalls("handstop")).filter((c) => c.media.start_ms === 8000)).toHaveLength(0);
    // A handed part is run once, in the reply's invocation; it comes again only as the queue
    // would bring it (its deadline passed): then it must claim, and a part done is not run twice.
    expect(await handlePart(env, handed!, true)).toEqual({ kind: "ack" });
    expect((await providerCalls("handstop")).filter((c) => c.media.start_ms === 4000)).toHaveLength(1);
    const after = await json<{ jobs: Array<{ job_id: string; status: string }> }>(await call("GET", "/handstop-c/job-status"), 200);
    expect(after.jobs.find((j) => j.job_id === jobId)?.status).toBe("cancelled");
  });

  it("keeps half as many parts again in flight as the provider has slots, waiting in its line, never more at the provider than its slots", async () => {
    await registerModel("depth", { provider: { kind: "http", url: `${env.TEST_PROVIDER_URL}/p/depth`, name: "test-depth", concurrency: 2 }, default_params: { latency_ms: 400 } });
    await registerHls("depth-c", 8);
    const { jobs } = await startJob("depth-c", { jobs: [{ model: "depth" }] });
    const jobId = jobs[0]!.job_id;
    const stub = env.TAG_RUNNER.getByName(runnerName("depth-c", "depth"));
    // Two slots: three parts in flight, the third with its media ready, waiting for a slot.
    await expect.poll(async () => (await stub.parts()).filter((p) => p.state === "inflight").length, { timeout: 5000 }).toBe(3);
    const done = await waitFor("depth-c", jobId, ["succeeded", "failed"], 30_000);
    expect(done).toMatchObject({ status: "succeeded", tagging_progress: "8/8" });
    const stats = await (await fetch(`${env.TEST_PROVIDER_URL}/p/depth/stats`)).json<{ max: number; calls: number }>();
    expect(stats).toMatchObject({ calls: 8, max: 2 });
    // Each part once: the waiting parts were neither deferred nor sent twice.
    expect((await stub.parts()).map((p) => [p.state, p.attempts])).toEqual(Array.from({ length: 8 }, () => ["done", 1]));
  });

  it("queues a live job's next part instead of handing it over (a channel must not hold the consumer)", async () => {
    const origin = await fetch(`${env.TEST_PROVIDER_URL}/live/handoff-live/config`, { method: "POST", body: JSON.stringify({ segment_s: 1 }) });
    expect(origin.status).toBe(200);
    await json(await call("PUT", "/contents/handoff-live", { body: { title: "Live", streams: { video: { url: `${env.TEST_PROVIDER_URL}/live/handoff-live/index.m3u8` } } } }), 201);
    const { jobs } = await startJob("handoff-live", { options: { scope: { type: "livestream", segment_length: 1 } }, jobs: [{ model: "handoff", model_params: { latency_ms: 1500 } }] });
    const jobId = jobs[0]!.job_id;
    const stub = env.TAG_RUNNER.getByName(runnerName("handoff-live", "handoff"));
    // One segment at the provider, the next ones waiting behind it.
    await expect.poll(async () => (await stub.parts()).map((p) => p.state).filter((s) => s === "inflight" || s === "pending").slice(0, 2), { timeout: 10_000 }).toEqual(["inflight", "pending"]);
    const first = (await stub.parts()).find((p) => p.state === "inflight")!;
    expect(await stub.partDone(jobId, first.id, { ok: true, tags: 0 }, true)).toBeNull();
    // The next segment was sent through the queue: in flight, and the provider gets it.
    const next = (await stub.parts()).find((p) => p.state === "inflight")!;
    expect(next.id).not.toBe(first.id);
    await expect.poll(async () => (await stub.parts()).find((p) => p.id === next.id)?.state, { timeout: 10_000 }).toBe("done");
    await json(await call("POST", "/handoff-live/stop/handoff"), 200);
    await waitFor("handoff-live", jobId, ["cancelled", "succeeded"], 10_000);
  });
});
