import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, expectError, json, registerHls, startJob, waitFor } from "./helpers";

/** Whether a promise has settled within a few milliseconds (a waiter still parked has not). */
const settledSoon = (p: Promise<unknown>) => Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]);

describe("priority at a saturated provider", () => {
  it("gives a free slot to the waiting part of the highest priority, then to the earliest of equals", async () => {
    const ps = env.PROVIDER_STATE.getByName("priority-unit");
    expect(await ps.acquire("busy", 1, 60_000, 0)).toEqual({ granted: true });
    // Each waiter is parked before the next arrives, so "earliest" is well defined.
    const wait = async (lease: string, rank: number) => {
      const parked = ps.acquire(lease, 1, 60_000, 5_000, undefined, true, rank);
      await new Promise((r) => setTimeout(r, 50));
      return { parked };
    };
    const { parked: low } = await wait("low", 0);
    const { parked: std1 } = await wait("std1", 1);
    const { parked: std2 } = await wait("std2", 1);
    const { parked: high } = await wait("high", 2);
    await ps.release("busy");
    expect(await high).toEqual({ granted: true });
    expect(await settledSoon(std1)).toBe(false);
    await ps.release("high");
    expect(await std1).toEqual({ granted: true });
    expect(await settledSoon(std2)).toBe(false);
    await ps.release("std1");
    expect(await std2).toEqual({ granted: true });
    expect(await settledSoon(low)).toBe(false);
    await ps.release("std2");
    expect(await low).toEqual({ granted: true });
    await ps.release("low");
  });

  it("a high-priority job's part jumps the line of low-priority parts already waiting for the provider", async () => {
    // One provider, one slot, shared by two models.
    const provider = { kind: "http", name: "prio-shared", url: env.TEST_PROVIDER_URL, concurrency: 1 };
    for (const name of ["prio-low", "prio-high"]) await json(await call("PUT", `/models/${name}`, { token: ADMIN, body: { type: "video", provider, default_params: { latency_ms: 2500 } } }), 200);
    for (const qid of ["prio-l1", "prio-l2", "prio-l3", "prio-h"]) await registerHls(qid, 2);
    for (const qid of ["prio-l1", "prio-l2", "prio-l3"]) expect((await startJob(qid, { options: { priority: "low" }, jobs: [{ model: "prio-low" }] })).jobs[0]!.started).toBe(true);
    // The first low part holds the slot; the other two wait for it.
    await new Promise((r) => setTimeout(r, 300));
    const high = (await startJob("prio-h", { options: { priority: "high" }, jobs: [{ model: "prio-high" }] })).jobs[0]!.job_id;
    await waitFor("prio-h", high, ["succeeded"], 20_000);
    const calls = ((await (await fetch(`${env.TEST_PROVIDER_URL}/calls`)).json()) as { calls: Array<{ model: string }> }).calls.filter((c) => c.model.startsWith("prio-"));
    // The high job's first part went second, ahead of the two low parts that were waiting before it arrived.
    expect(calls[0]!.model).toBe("prio-low");
    expect(calls[1]!.model).toBe("prio-high");
    for (const qid of ["prio-l1", "prio-l2", "prio-l3"]) await call("POST", `/${qid}/stop`);
  });

  it("refuses a priority that is not one of low, standard, high", async () => {
    await registerHls("prio-bad", 1);
    await expectError(await call("POST", "/prio-bad/tag", { body: { options: { priority: "urgent" }, jobs: [{ model: "shot" }] } }), 400);
  });
});
