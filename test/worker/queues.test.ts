import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type ApiBody, call, devToken, expectError, json, registerHls, startJob, waitFor } from "./helpers";

const STRANGER = "0x00000000000000000000000000000000000a11ce";
const MEMBER = "0x00000000000000000000000000000000000b0b00";

const queues = async (query = "", token?: string) => json<ApiBody>(await call("GET", `/queues${query}`, { token }), 200);
const row = (body: ApiBody, model: string) => body.models.find((m: ApiBody) => m.model === model);
const providerRow = (body: ApiBody, id: string) => body.providers.find((p: ApiBody) => p.id === id);

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  } while (Date.now() < end);
  throw new Error(`${what}: last ${JSON.stringify(last)}`);
}

async function slowModel(name: string, default_params: Record<string, unknown>) {
  const provider = { kind: "http", name, url: env.TEST_PROVIDER_URL, concurrency: 1 };
  await json(await call("PUT", `/models/${name}`, { token: ADMIN, body: { type: "video", provider, default_params } }), 200);
}

describe("GET /queues", () => {
  beforeAll(async () => {
    await json(await call("PUT", "/tenants/qt-other", { token: ADMIN, body: { name: "Other" } }), 201);
    await json(await call("PUT", `/tenants/qt-other/members/${STRANGER}`, { token: ADMIN, body: { role: "admin" } }), 200);
    await json(await call("PUT", `/tenants/qt-other/members/${MEMBER}`, { token: ADMIN, body: { role: "member" } }), 200);
  });

  it("shows a backlog while it waits for a one-slot provider, then its waits and throughput once it drained", async () => {
    await slowModel("q-slow", { latency_ms: 300 });
    for (const qid of ["q-backlog-1", "q-backlog-2"]) await registerHls(qid, 3);
    const before = row(await queues(), "q-slow");
    expect(before).toMatchObject({ providers: ["q-slow"], active_jobs: 0, pending: 0, in_flight: 0, completed: 0 });
    // Two jobs, one slot between them: each job's part waits for the other's.
    const ids = [];
    for (const qid of ["q-backlog-1", "q-backlog-2"]) ids.push((await startJob(qid, { jobs: [{ model: "q-slow" }] })).jobs[0]!.job_id);

    const busy = await until(() => queues(), (b) => row(b, "q-slow").in_flight === 1 && row(b, "q-slow").pending >= 3, "a backlog");
    expect(row(busy, "q-slow").active_jobs).toBe(2);
    expect(row(busy, "q-slow").pending + row(busy, "q-slow").in_flight).toBeLessThanOrEqual(6);
    expect(providerRow(busy, "q-slow")).toMatchObject({ models: ["q-slow"], in_flight: 1 });
    expect(providerRow(busy, "q-slow").pending).toBe(row(busy, "q-slow").pending);

    await waitFor("q-backlog-1", ids[0]!, ["succeeded"], 20_000);
    await waitFor("q-backlog-2", ids[1]!, ["succeeded"], 20_000);
    const after = await until(() => queues(), (b) => row(b, "q-slow").active_jobs === 0, "the jobs' end in D1");
    const m = row(after, "q-slow");
    expect(m).toMatchObject({ pending: 0, in_flight: 0, waiting: 0, completed: 6, errors: 0, error_rate: 0, throughput_per_min: 1.2 });
    // A part that found the slot taken waited for the other job's 300 ms call.
    expect(m.oldest_wait_ms).toBeGreaterThanOrEqual(200);
    expect(m.avg_wait_ms).toBeGreaterThan(0);
    expect(m.avg_wait_ms).toBeLessThanOrEqual(m.oldest_wait_ms);
    expect(providerRow(after, "q-slow")).toMatchObject({ completed: 6, errors: 0, pending: 0, in_flight: 0 });
    expect(after).toMatchObject({ window_minutes: 5, tenants: ["dev"] });
  });

  it("counts the failures a provider answered in its error rate", async () => {
    await slowModel("q-flaky", { fail_first: 1 });
    await registerHls("q-flaky-content", 2);
    const { jobs } = await startJob("q-flaky-content", { jobs: [{ model: "q-flaky" }] });
    await waitFor("q-flaky-content", jobs[0]!.job_id, ["succeeded"], 20_000);
    const m = row(await queues(), "q-flaky");
    expect(m).toMatchObject({ completed: 4, errors: 2, error_rate: 0.5, throughput_per_min: 0.4 });
  });

  it("shows a tenant administrator their own tenants' load only, the system administrator every tenant's", async () => {
    // The dev tenant's parts above are not the other tenant's load.
    const theirs = await queues("", devToken(STRANGER));
    expect(theirs.tenants).toEqual(["qt-other"]);
    expect(row(theirs, "q-slow")).toMatchObject({ completed: 0, active_jobs: 0 });
    expect(await queues("?tenant=qt-other", devToken(STRANGER))).toMatchObject({ tenants: ["qt-other"] });
    await expectError(await call("GET", "/queues?tenant=dev", { token: devToken(STRANGER) }), 403, "FORBIDDEN");
    // A member who administers nothing.
    await expectError(await call("GET", "/queues", { token: devToken(MEMBER) }), 403, "FORBIDDEN", /administrator/);
    const all = await queues("", ADMIN);
    expect(all.tenants).toBeNull();
    expect(row(all, "q-slow").completed).toBeGreaterThanOrEqual(6);
    expect(await queues("?tenant=dev", ADMIN)).toMatchObject({ tenants: ["dev"] });
  });

  it("refuses what it does not know, and callers without a token", async () => {
    await expectError(await call("GET", "/queues?window=10"), 400, "VALIDATION_ERROR", /window/);
    await expectError(await call("GET", "/queues?tenant="), 400, "VALIDATION_ERROR");
    await expectError(await call("GET", "/queues", { token: "not-a-token" }), 401);
  });
});
