import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { JobLog } from "../../src/durable-objects/job-log";
import { ADMIN, call, devToken, expectError, json, registerHls, registerModel, startJob, waitFor, type ApiBody } from "./helpers";

const events = async (jobId: string, query = "", token?: string) => json<ApiBody>(await call("GET", `/jobs/${jobId}/events${query}`, { token }), 200);

describe("a job's event log", () => {
  it("tells what happened, in order: queued, planned, each part with provider and timings, retries and why, the end", async () => {
    await registerModel("evlog");
    await registerHls("evlog-c", 3);
    const { jobs } = await startJob("evlog-c", { options: { max_fetch_retries: 2 }, jobs: [{ model: "evlog", model_params: { fail_first: 1 } }] });
    const jobId = jobs[0]!.job_id;
    await waitFor("evlog-c", jobId, ["succeeded"], 25_000);
    const { events: all, meta } = await events(jobId);
    expect(meta).toMatchObject({ total: all.length, start: 0, count: all.length });
    expect(all.map((e: ApiBody) => e.seq)).toEqual(all.map((_: ApiBody, i: number) => all[0].seq + i));
    expect(all[0]).toMatchObject({ level: "info", message: expect.stringMatching(/^Queued: evlog on evlog-c/) });
    expect(all.some((e: ApiBody) => e.message === "Planned 3 part(s)")).toBe(true);
    const retries = all.filter((e: ApiBody) => e.level === "warning" && /^Trying again in \d+ s: .*503/.test(e.message));
    expect(retries).toHaveLength(3);
    expect(retries[0]).toMatchObject({ part: expect.stringMatching(/^video\//), attempt: 2 });
    const tagged = all.filter((e: ApiBody) => /tag\(s\)/.test(e.message));
    expect(tagged).toHaveLength(3);
    expect(tagged[0]).toMatchObject({ level: "info", provider: "test-evlog", message: expect.stringMatching(/fetched in \d+ ms, tagged in \d+ ms/) });
    expect(all.at(-1)).toMatchObject({ level: "info", message: "Ended succeeded" });
    expect(Date.parse(all.at(-1).timestamp)).toBeGreaterThan(0);
    // Levels and pages.
    const warnings = await events(jobId, "?level=warning");
    expect(warnings.events.every((e: ApiBody) => e.level === "warning" || e.level === "error")).toBe(true);
    expect(warnings.meta.total).toBe(3);
    const page = await events(jobId, "?start=1&limit=2");
    expect(page.events.map((e: ApiBody) => e.seq)).toEqual([all[1].seq, all[2].seq]);
    await expectError(await call("GET", `/jobs/${jobId}/events?level=loud`), 400, "VALIDATION_ERROR", /level/);
  });

  it("is kept after the pair's runner has moved on to another job (D1's copy)", async () => {
    await registerModel("evkeep");
    await registerHls("evkeep-c", 1);
    const first = await startJob("evkeep-c", { jobs: [{ model: "evkeep" }] });
    await waitFor("evkeep-c", first.jobs[0]!.job_id, ["succeeded"]);
    const second = await startJob("evkeep-c", { options: { replace: true }, jobs: [{ model: "evkeep" }] });
    await waitFor("evkeep-c", second.jobs[0]!.job_id, ["succeeded"]);
    const old = await events(first.jobs[0]!.job_id);
    expect(old.events[0].message).toMatch(/^Queued/);
    expect(old.events.at(-1).message).toBe("Ended succeeded");
    expect(old.events.some((e: ApiBody) => e.message.includes("replace true"))).toBe(false);
    expect((await events(second.jobs[0]!.job_id)).events[0].message).toMatch(/replace true/);
  });

  it("follows the tenant rules: others' jobs are 403 to members, unknown to other tenants", async () => {
    await registerModel("evrules");
    await registerHls("evrules-c", 1);
    const { jobs } = await startJob("evrules-c", { jobs: [{ model: "evrules" }] });
    await waitFor("evrules-c", jobs[0]!.job_id, ["succeeded"]);
    const member = "0x00000000000000000000000000000000000000e1";
    const outsider = "0x00000000000000000000000000000000000000e2";
    await json(await call("PUT", `/tenants/dev/members/${member}`, { token: ADMIN, body: { role: "member" } }), 200);
    await json(await call("PUT", "/tenants/ev-other", { token: ADMIN, body: { name: "other" } }), 201);
    await json(await call("PUT", `/tenants/ev-other/members/${outsider}`, { token: ADMIN, body: { role: "member" } }), 200);
    await expectError(await call("GET", `/jobs/${jobs[0]!.job_id}/events`, { token: devToken(member) }), 403);
    await expectError(await call("GET", `/jobs/${jobs[0]!.job_id}/events`, { token: devToken(outsider) }), 404, "JOB_NOT_FOUND");
    expect((await events(jobs[0]!.job_id, "", ADMIN)).events.length).toBeGreaterThan(0);
  });

  it("is capped under a burst: the newest events stay, in order, the last one included", async () => {
    const stub = env.TAG_RUNNER.getByName("job-log-burst");
    const page = await runInDurableObject(stub, (_runner, state) => {
      const log = new JobLog(state.storage, 50);
      log.clear();
      for (let i = 1; i <= 120; i++) log.add(1_700_000_000_000 + i, i % 10 === 0 ? "warning" : "debug", `event ${i}`);
      return log.page("debug", 0, 1000);
    });
    expect(page.total).toBe(50);
    expect(page.events.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
    expect(page.events.at(-1)).toMatchObject({ message: "event 120", level: "warning" });
  });
});
