import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, devToken, expectError, json, registerHls, startJob, waitFor } from "./helpers";

/** A loopback port nothing listens on: connection refused, a transient failure. */
const DEAD = "http://127.0.0.1:9";

async function putModel(name: string, body: Record<string, unknown>) {
  await json(await call("PUT", `/models/${name}`, { token: ADMIN, body: { type: "video", ...body } }), 200);
}

interface ProviderView {
  id: string;
  url?: string;
  models: string[];
  concurrency: number;
  health: { status: string; in_flight: number; last_error: string | null; last_success_at: string | null; consecutive_failures: number; calls: number; errors: number; retry_at: string | null };
}

async function providers(token = ADMIN): Promise<ProviderView[]> {
  return (await json<{ providers: ProviderView[] }>(await call("GET", "/providers", { token }), 200)).providers;
}

describe("providers: fallback, circuit breaker, health, shared slots", () => {
  it("uses the second provider when the first is down, and /providers shows the first down", async () => {
    await putModel("fallback", {
      providers: [
        { kind: "http", name: "gpu-east", url: DEAD, cooldown_s: 60 },
        { kind: "http", name: "gpu-west", url: `${env.TEST_PROVIDER_URL}/p/west` },
      ],
    });
    await registerHls("fb", 6);
    const { jobs } = await startJob("fb", { jobs: [{ model: "fallback" }] });
    const done = await waitFor("fb", jobs[0]!.job_id, ["succeeded", "failed"]);
    expect(done).toMatchObject({ status: "succeeded", tagging_progress: "6/6" });
    expect(done.tag_details.warnings).toBeNull();

    const all = await providers();
    const east = all.find((p) => p.id === "gpu-east")!;
    const west = all.find((p) => p.id === "gpu-west")!;
    expect(east).toMatchObject({ url: DEAD, models: ["fallback"], health: { status: "down", in_flight: 0, last_success_at: null } });
    expect(east.health.last_error).toMatch(/Provider http:\/\/127\.0\.0\.1:9/);
    expect(east.health.consecutive_failures).toBeGreaterThanOrEqual(3);
    expect(east.health.retry_at).not.toBeNull();
    // The parts that were already on their way to east failed over to west at once.
    expect(east.health.errors).toBe(east.health.calls);
    expect(west).toMatchObject({ models: ["fallback"], health: { status: "ok", in_flight: 0, calls: 6, errors: 0 } });
    expect(west.health.last_success_at).not.toBeNull();

    // While east is down (cool-down 60 s) it is skipped: a second run never calls it.
    const eastCalls = east.health.calls;
    const again = await startJob("fb", { options: { replace: true }, jobs: [{ model: "fallback" }] });
    expect((await waitFor("fb", again.jobs[0]!.job_id, ["succeeded", "failed"])).status).toBe("succeeded");
    const after = await providers();
    expect(after.find((p) => p.id === "gpu-east")!.health).toMatchObject({ status: "down", calls: eastCalls });
    expect(after.find((p) => p.id === "gpu-west")!.health).toMatchObject({ calls: 12, errors: 0 });
  });

  it("keeps a provider's concurrency across all jobs, not per job", async () => {
    const shared = { kind: "http", name: "shared-gpu", url: `${env.TEST_PROVIDER_URL}/p/shared`, concurrency: 2 };
    await putModel("sharedA", { provider: shared, default_params: { latency_ms: 300 } });
    await putModel("sharedB", { provider: shared, default_params: { latency_ms: 300 } });
    await registerHls("sha", 4);
    await registerHls("shb", 4);
    const a = await startJob("sha", { jobs: [{ model: "sharedA" }] });
    const b = await startJob("shb", { jobs: [{ model: "sharedB" }] });
    await waitFor("sha", a.jobs[0]!.job_id, ["succeeded"], 30_000);
    await waitFor("shb", b.jobs[0]!.job_id, ["succeeded"], 30_000);
    const stats = await (await fetch(`${env.TEST_PROVIDER_URL}/p/shared/stats`)).json<{ max: number; calls: number }>();
    expect(stats.calls).toBe(8);
    // Two jobs of two parts in flight each would make 4; the provider's limit is 2.
    expect(stats.max).toBe(2);
    const view = (await providers()).find((p) => p.id === "shared-gpu")!;
    expect(view).toMatchObject({ concurrency: 2, models: ["sharedA", "sharedB"], health: { status: "ok", in_flight: 0, calls: 8 } });
  });

  it("shows providers to any user but their addresses only to system admins; validates definitions", async () => {
    const asUser = await providers(devToken("0x00000000000000000000000000000000000000b1"));
    expect(asUser.length).toBeGreaterThan(0);
    expect(asUser.every((p) => p.url === undefined)).toBe(true);
    await expectError(await call("GET", "/providers", { token: "garbage" }), 401);
    const bad = (body: Record<string, unknown>) => call("PUT", "/models/badprov", { token: ADMIN, body: { type: "video", ...body } });
    await expectError(await bad({}), 400, "VALIDATION_ERROR", /exactly one of provider and providers/);
    await expectError(await bad({ provider: { kind: "http", url: DEAD }, providers: [{ kind: "http", url: DEAD }] }), 400, "VALIDATION_ERROR", /exactly one/);
    await expectError(await bad({ providers: [] }), 400, "VALIDATION_ERROR");
    await expectError(await bad({ providers: [{ kind: "http", url: DEAD }, { kind: "http", url: `${DEAD}/` }] }), 400, /.+/, /listed twice/);
    await expectError(await bad({ provider: { kind: "http", url: DEAD, name: "has space" } }), 400, "VALIDATION_ERROR", /name/);
  });
});
