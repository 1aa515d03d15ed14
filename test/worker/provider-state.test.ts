import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const stub = (name: string) => env.PROVIDER_STATE.getByName(name);
const fail = { ok: false, counts: true, error: "Provider answered 503" };
const ok = { ok: true, counts: true };

describe("ProviderState: slots, circuit breaker, health", () => {
  it("opens after three failures in a row, allows one trial after the cool-down, and closes on its success", async () => {
    const p = stub("breaker-1");
    for (const l of ["a", "b", "c"]) {
      expect(await p.acquire(l, 8, 60_000, 0, 200)).toEqual({ granted: true });
      await p.finish(l, fail, 200);
    }
    expect((await p.health()).status).toBe("down");
    expect(await p.acquire("d", 8, 60_000, 0, 200)).toMatchObject({ granted: false, reason: "down" });
    // The last resort is never turned away.
    expect(await p.acquire("d", 8, 60_000, 0, 200, true)).toEqual({ granted: true });
    await p.release("d");
    await new Promise((r) => setTimeout(r, 250));
    expect(await p.acquire("trial", 8, 60_000, 0, 200)).toEqual({ granted: true });
    // One trial at a time.
    expect(await p.acquire("other", 8, 60_000, 0, 200)).toMatchObject({ granted: false, reason: "down" });
    await p.finish("trial", ok, 200);
    const h = await p.health();
    expect(h).toMatchObject({ status: "degraded", consecutive_failures: 0, calls: 4, errors: 3, retry_at: null });
    expect(h.last_success_at).toEqual(expect.any(Number));
  });

  it("re-opens when the trial fails", async () => {
    const p = stub("breaker-2");
    for (const l of ["a", "b", "c"]) {
      await p.acquire(l, 8, 60_000, 0, 100);
      await p.finish(l, fail, 100);
    }
    await new Promise((r) => setTimeout(r, 150));
    expect(await p.acquire("trial", 8, 60_000, 0, 100)).toEqual({ granted: true });
    await p.finish("trial", fail, 100);
    expect(await p.acquire("next", 8, 60_000, 0, 100)).toMatchObject({ granted: false, reason: "down" });
  });

  it("does not count a part's own permanent failure against the provider, nor a repeated finish", async () => {
    const p = stub("breaker-3");
    for (const l of ["a", "b", "c", "d"]) {
      await p.acquire(l, 8, 60_000, 0);
      await p.finish(l, { ok: false, counts: false, error: "Provider answered 422" });
    }
    await p.acquire("e", 8, 60_000, 0);
    await p.finish("e", fail);
    await p.finish("e", fail);
    expect(await p.health()).toMatchObject({ status: "ok", calls: 1, errors: 1, consecutive_failures: 1 });
  });

  it("shares its slots: a full provider makes callers wait, hands a freed slot to the first waiter, and expires lost leases", async () => {
    const p = stub("slots-1");
    expect(await p.acquire("x1", 2, 60_000, 0)).toEqual({ granted: true });
    expect(await p.acquire("x2", 2, 60_000, 0)).toEqual({ granted: true });
    // A repeated delivery of a part that holds a slot gets it again, without a second slot.
    expect(await p.acquire("x1", 2, 60_000, 0)).toEqual({ granted: true });
    expect(await p.acquire("x3", 2, 60_000, 0)).toEqual({ granted: false, reason: "busy", retry_at: null });
    const waiting = p.acquire("x3", 2, 60_000, 5_000);
    await p.finish("x1", ok);
    expect(await waiting).toEqual({ granted: true });
    expect((await p.health()).in_flight).toBe(2);
    // A lease whose holder vanished frees itself.
    expect(await p.acquire("short", 3, 50, 0)).toEqual({ granted: true });
    await new Promise((r) => setTimeout(r, 80));
    expect((await p.health()).in_flight).toBe(2);
    // A waiter that gets no slot in time is told so.
    expect(await p.acquire("x4", 2, 60_000, 100)).toEqual({ granted: false, reason: "busy", retry_at: null });
  });
});

describe("ProviderState: queue figures per tenant and model", () => {
  const use = (tenant: string, model: string, waitedMs: number) => ({ tenant, model, queued_at: Date.now() - waitedMs });

  it("counts each part's wait and outcome once, however often its slot is asked for, finished or released", async () => {
    const p = stub("queue-load-1");
    expect(await p.acquire("a", 1, 60_000, 0, undefined, false, 1, use("t1", "m1", 1_000))).toEqual({ granted: true });
    // A repeated delivery of the same part: the slot it holds, no second record.
    expect(await p.acquire("a", 1, 60_000, 0, undefined, false, 1, use("t1", "m1", 5_000))).toEqual({ granted: true });
    // Another tenant's part in line for the one slot.
    const parked = p.acquire("b", 1, 60_000, 5_000, undefined, true, 1, use("t2", "m1", 2_500));
    await new Promise((r) => setTimeout(r, 50));
    let load = await p.queueLoad(null);
    const t1 = load.find((l) => l.tenant === "t1")!;
    expect(t1).toMatchObject({ model: "m1", in_flight: 1, waiting: 0, started: 1, completed: 0, errors: 0 });
    expect(t1.wait_sum_ms).toBeGreaterThanOrEqual(1_000);
    expect(t1.wait_sum_ms).toBeLessThan(2_000);
    const t2 = load.find((l) => l.tenant === "t2")!;
    expect(t2).toMatchObject({ in_flight: 0, waiting: 1, started: 0 });
    expect(t2.oldest_wait_ms).toBeGreaterThanOrEqual(2_500);

    await p.finish("a", fail);
    await p.finish("a", ok);
    await p.release("a");
    expect(await parked).toEqual({ granted: true });
    await p.finish("b", ok);
    await p.finish("b", ok);
    load = await p.queueLoad(null);
    expect(load.find((l) => l.tenant === "t1")).toMatchObject({ in_flight: 0, started: 1, completed: 1, errors: 1 });
    expect(load.find((l) => l.tenant === "t2")).toMatchObject({ in_flight: 0, waiting: 0, started: 1, completed: 1, errors: 0 });
    // A tenant sees its own load only.
    expect((await p.queueLoad(["t2"])).map((l) => l.tenant)).toEqual(["t2"]);
    expect(await p.queueLoad(["t3"])).toEqual([]);
  });

  it("ends a call without a verdict when the part's own failure says nothing of the provider, or it was released", async () => {
    const p = stub("queue-load-2");
    await p.acquire("c", 2, 60_000, 0, undefined, false, 1, use("t1", "m2", 0));
    await p.acquire("d", 2, 60_000, 0, undefined, false, 1, use("t1", "m2", 0));
    await p.finish("c", { ok: false, counts: false, error: "Provider answered 422" });
    await p.release("d");
    expect(await p.queueLoad(null)).toEqual([expect.objectContaining({ tenant: "t1", model: "m2", in_flight: 0, started: 2, completed: 0, errors: 0 })]);
  });
});

describe("ProviderState: several parts' slot operations in one call (apply)", () => {
  const u = { tenant: "t1", model: "m1", queued_at: Date.now() };
  const acq = (lease: string, limit: number, rank = 1) => ({ op: "acquire" as const, lease, limit, leaseMs: 60_000, cooldownMs: 30_000, lastResort: true, rank, use: u });

  it("frees first (to the parts already in line, then the group's), grants the group's higher priorities first, and answers each in order", async () => {
    const p = stub("apply-1");
    expect(await p.apply([acq("a", 2), acq("b", 2), acq("c", 2)])).toEqual([{ granted: true }, { granted: true }, { granted: false, reason: "busy", retry_at: null }]);
    // A part in line from elsewhere gets the first slot the group frees.
    const parked = p.acquire("w", 2, 60_000, 5_000, 30_000, true);
    await new Promise((r) => setTimeout(r, 20));
    const answers = await p.apply([acq("low", 2, 0), { op: "finish", lease: "a", outcome: ok, cooldownMs: 30_000 }, acq("high", 2, 2), { op: "release", lease: "b" }]);
    expect(await parked).toEqual({ granted: true });
    expect(answers).toEqual([{ granted: false, reason: "busy", retry_at: null }, null, { granted: true }, null]);
    expect((await p.health()).in_flight).toBe(2);
    const h = await p.health();
    expect(h).toMatchObject({ calls: 1, errors: 0 });
  });

  it("changes nothing when a group is delivered twice: a held lease is granted again without a second slot, a finish counts once", async () => {
    const p = stub("apply-2");
    const group = [acq("x", 2), acq("y", 2)];
    expect(await p.apply(group)).toEqual([{ granted: true }, { granted: true }]);
    expect(await p.apply(group)).toEqual([{ granted: true }, { granted: true }]);
    expect((await p.health()).in_flight).toBe(2);
    const done = [{ op: "finish" as const, lease: "x", outcome: fail, cooldownMs: 30_000 }, { op: "finish" as const, lease: "y", outcome: ok, cooldownMs: 30_000 }];
    expect(await p.apply(done)).toEqual([null, null]);
    expect(await p.apply(done)).toEqual([null, null]);
    expect(await p.health()).toMatchObject({ in_flight: 0, calls: 2, errors: 1 });
    expect(await p.queueLoad(null)).toEqual([expect.objectContaining({ tenant: "t1", model: "m1", started: 2, completed: 2, errors: 1 })]);
  });

  it("keeps the circuit: a group's acquire is turned away while the provider is down unless it is the last resort", async () => {
    const p = stub("apply-3");
    for (const l of ["f1", "f2", "f3"]) {
      await p.apply([acq(l, 8)]);
      await p.apply([{ op: "finish", lease: l, outcome: fail, cooldownMs: 60_000 }]);
    }
    const answers = await p.apply([{ ...acq("n", 8), lastResort: false }, acq("last", 8)]);
    expect(answers[0]).toMatchObject({ granted: false, reason: "down" });
    expect(answers[1]).toEqual({ granted: true });
  });
});
