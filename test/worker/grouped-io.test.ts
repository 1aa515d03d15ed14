import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runnerName } from "../../src/contract/runner";
import { groupedIo } from "../../src/pipeline/part-io";
import { type ApiBody, call, json, registerHls, registerModel, runnerJobInit, startJob, waitFor } from "./helpers";

/*
 * A consumer's parts that end together share their D1 tag write (one transaction) and their
 * provider's slot call (group-commit.ts). Sharing must cost no part its result.
 */
describe("grouped round trips of a consumer's parts", () => {
  const segment = (qid: string, i: number) => ({ id: `video/${i * 4000}-${(i + 1) * 4000}`, idx: i, start_ms: i * 4000, duration_ms: 4000, kind: "segment" as const, source: `r2:files/${qid}/hls/seg${i}.ts`, content_type: "video/mp2t" });
  const tag = (i: number, text: string | null) => ({ track: "grouped", start_time: i * 4000, end_time: i * 4000 + 1000, text: text as string, frame_info: null, additional_info: null });
  const texts = async (qid: string) => (await json<{ tags: ApiBody[] }>(await call("GET", `/${qid}/tags?track=grouped`), 200)).tags.map((t) => [t.start_time, t.text]);

  it("a part whose write fails in a shared transaction fails alone; the others' tags land, once, and writing them again changes nothing", async () => {
    await registerModel("grouped");
    await registerHls("grouped-c", 3);
    const { jobs } = await startJob("grouped-c", { jobs: [{ model: "grouped" }] });
    await waitFor("grouped-c", jobs[0]!.job_id, ["succeeded"]);
    const before = await texts("grouped-c");
    expect(before).toHaveLength(3);
    const init = await runnerJobInit("grouped-c", "grouped");

    const io = groupedIo(env);
    // Three parts' writes at once: the first goes alone, the other two share a transaction, in
    // which the middle part's tag breaks a NOT NULL constraint.
    const write = (i: number, text: string | null) => io.writeTags(init, segment("grouped-c", i), [tag(i, text)]);
    const results = await Promise.allSettled([write(0, "first again"), write(1, null), write(2, "third again")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await texts("grouped-c")).toEqual([
      [0, "first again"],
      [4000, before[1]![1]],
      [8000, "third again"],
    ]);
    // Delivered again, together: the same result, nothing doubled.
    await Promise.all([write(0, "first again"), write(2, "third again"), write(0, "first again")]);
    expect(await texts("grouped-c")).toEqual([
      [0, "first again"],
      [4000, before[1]![1]],
      [8000, "third again"],
    ]);
  });

  it("parts that end together in one batch each give their slot back and count once at their provider", async () => {
    await registerModel("grouped-slots", { provider: { kind: "http", url: env.TEST_PROVIDER_URL, name: "test-grouped-slots", concurrency: 8 } });
    await registerHls("grouped-s", 8);
    const { jobs } = await startJob("grouped-s", { jobs: [{ model: "grouped-slots", model_params: { latency_ms: 100 } }] });
    const status = await waitFor("grouped-s", jobs[0]!.job_id, ["succeeded"]);
    expect(status.tagging_progress).toBe("8/8");
    const health = await env.PROVIDER_STATE.getByName("test-grouped-slots").health();
    expect(health).toMatchObject({ in_flight: 0, calls: 8, errors: 0 });
    expect(await env.PROVIDER_STATE.getByName("test-grouped-slots").queueLoad(null)).toEqual([expect.objectContaining({ model: "grouped-slots", started: 8, completed: 8, in_flight: 0 })]);
  });
});

describe("a runner told of several parts' results in one call (partsDone)", () => {
  it("records each once, retries a transient failure, hands one next part to each consumer that would take it, and changes nothing when told again", async () => {
    await registerModel("gdone", { provider: { kind: "http", url: env.TEST_PROVIDER_URL, name: "test-gdone", concurrency: 2 } });
    await registerHls("gdone-c", 7);
    const { jobs } = await startJob("gdone-c", { jobs: [{ model: "gdone", model_params: { latency_ms: 3000 } }] });
    const jobId = jobs[0]!.job_id;
    const stub = env.TAG_RUNNER.getByName(runnerName("gdone-c", "gdone"));
    await expect.poll(async () => (await stub.parts()).map((p) => p.state), { timeout: 5000 }).toEqual(["inflight", "inflight", "inflight", "pending", "pending", "pending", "pending"]);
    const ids = (await stub.parts()).map((p) => p.id);
    const done = { ok: true as const, tags: 1 };
    const reports = [
      { part: ids[0]!, outcome: done, take_next: true },
      { part: ids[2]!, outcome: { ok: false as const, stage: "tag" as const, transient: true, error: "Provider answered 503" }, take_next: true },
      { part: ids[1]!, outcome: done, take_next: true },
      // The same part twice in one group: a consumer's report delivered twice.
      { part: ids[0]!, outcome: done, take_next: true },
    ];
    const answers = await stub.partsDone(jobId, reports);
    expect(answers.map((a) => a?.part.id ?? null)).toEqual([ids[3], null, ids[4], null]);
    expect((await stub.parts()).map((p) => [p.state, p.attempts])).toEqual([
      ["done", 1],
      ["done", 1],
      ["inflight", 2],
      ["inflight", 1],
      ["inflight", 1],
      ["pending", 0],
      ["pending", 0],
    ]);
    // Told again: nothing more is recorded or handed.
    expect(await stub.partsDone(jobId, reports)).toEqual([null, null, null, null]);
    expect((await stub.parts()).map((p) => p.state)).toEqual(["done", "done", "inflight", "inflight", "inflight", "pending", "pending"]);
    expect(await stub.state()).toMatchObject({ status: "running", tagged: 2 });
    await json(await call("POST", "/gdone-c/stop/gdone"), 200);
  });
});
