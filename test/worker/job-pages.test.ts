import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client";
import { insertJob, jobsFingerprint, softDeleteJob } from "../../src/db/jobs";
import type { jobs } from "../../src/db/schema";
import { jobStatusView } from "../../src/jobs/view";
import { call, devToken, json } from "./helpers";

/*
 * /job-status answers an unchanged page from memory after reading its scopes' fingerprints
 * (src/api/status/job-pages.ts, migrations/0016_job_fingerprints.sql). What a caller must see is
 * that no change to a job is ever missed and no page reaches another scope.
 */

const ALICE = "0x00000000000000000000000000000000a11ce001";
const BOB = "0x00000000000000000000000000000000000b0b01";

function row(id: string, user: string, tenant: string, over: Partial<typeof jobs.$inferInsert> = {}): typeof jobs.$inferInsert {
  return {
    id,
    qid: `iq__${id}`,
    model: "shot",
    stream: "video",
    tenant_id: tenant,
    user,
    title: `Title of ${id}`,
    destination_qid: "",
    status: "succeeded",
    params: JSON.stringify({ feature: "shot", scope: { type: "video" }, run_config: {} }),
    created_at: 1_700_000_000_000,
    started_at: 1_700_000_000_500,
    ended_at: 1_700_000_009_000,
    total_parts: 4,
    downloaded_parts: 4,
    tagged_parts: 4,
    ...over,
  };
}

/** A /job-status answer: the route renders each job with jobStatusView. */
interface JobsPage {
  jobs: Array<ReturnType<typeof jobStatusView>>;
  meta: { total: number; start: number; limit: number; count: number };
}

const statusOf = async (path: string, token?: string, headers: Record<string, string> = {}) => json<JobsPage>(await call("GET", path, { headers, ...(token ? { token } : {}) }), 200);
const storedFingerprint = (scope: string) => env.DB.prepare("SELECT fingerprint FROM job_fingerprints WHERE scope = ?").bind(scope).first<{ fingerprint: number }>();

describe("job fingerprints", () => {
  it("change with every insert, update and delete of a job, in its tenant's and user's scopes and no other", async () => {
    const d = db(env);
    const alice = { user: ALICE };
    const tenantA = { tenantIds: ["fp-a"] };
    const tenantB = { tenantIds: ["fp-b"] };
    const before = [await jobsFingerprint(d, alice), await jobsFingerprint(d, tenantA), await jobsFingerprint(d, tenantB), await jobsFingerprint(d, {})];

    await insertJob(d, row("fp-1", ALICE, "fp-a"));
    const inserted = [await jobsFingerprint(d, alice), await jobsFingerprint(d, tenantA), await jobsFingerprint(d, tenantB), await jobsFingerprint(d, {})];
    expect(inserted[0]).not.toBe(before[0]);
    expect(inserted[1]).not.toBe(before[1]);
    expect(inserted[2]).toBe(before[2]);
    expect(inserted[3]).not.toBe(before[3]);

    await env.DB.prepare("UPDATE jobs SET tagged_parts = 3 WHERE id = 'fp-1'").run();
    const updated = [await jobsFingerprint(d, alice), await jobsFingerprint(d, tenantA), await jobsFingerprint(d, tenantB)];
    expect(updated[0]).not.toBe(inserted[0]);
    expect(updated[1]).not.toBe(inserted[1]);
    expect(updated[2]).toBe(inserted[2]);

    // An update that matches no row (a runner's older snapshot) changes nothing.
    await env.DB.prepare("UPDATE jobs SET tagged_parts = 1 WHERE id = 'fp-1' AND snapshot_seq < 0").run();
    expect(await jobsFingerprint(d, alice)).toBe(updated[0]);

    await env.DB.prepare("DELETE FROM jobs WHERE id = 'fp-1'").run();
    expect(await jobsFingerprint(d, alice)).not.toBe(updated[0]);
    expect(await jobsFingerprint(d, tenantA)).not.toBe(updated[1]);
    expect(await jobsFingerprint(d, tenantB)).toBe(updated[2]);
  });
});

describe("/job-status from memory", () => {
  it("answers an unchanged page again without reading it, and reads it again as soon as its scope's fingerprint changes", async () => {
    const d = db(env);
    await insertJob(d, row("mem-1", ALICE, "mem"));
    const token = devToken(ALICE);
    expect((await statusOf("/job-status", token)).jobs.map((j) => j.title)).toEqual(["Title of mem-1"]);

    // A change made behind the triggers' back (its scope's fingerprint put back as it was) is
    // not seen: the page came from memory.
    const kept = (await storedFingerprint(`u:${ALICE}`))!.fingerprint;
    await env.DB.prepare("UPDATE jobs SET title = 'Renamed' WHERE id = 'mem-1'").run();
    await env.DB.prepare("UPDATE job_fingerprints SET fingerprint = ? WHERE scope = ?").bind(kept, `u:${ALICE}`).run();
    expect((await statusOf("/job-status", token)).jobs.map((j) => j.title)).toEqual(["Title of mem-1"]);
    // `Cache-Control: no-cache` reads the page whatever is kept.
    expect((await statusOf("/job-status", token, { "cache-control": "no-cache" })).jobs.map((j) => j.title)).toEqual(["Renamed"]);
    await env.DB.prepare("UPDATE jobs SET title = 'Renamed again' WHERE id = 'mem-1'").run();
    await env.DB.prepare("UPDATE job_fingerprints SET fingerprint = ? WHERE scope = ?").bind(kept, `u:${ALICE}`).run();

    // A new fingerprint, whatever its value, and the page is read again.
    await env.DB.prepare("UPDATE job_fingerprints SET fingerprint = ? WHERE scope = ?").bind(kept + 1, `u:${ALICE}`).run();
    expect((await statusOf("/job-status", token)).jobs.map((j) => j.title)).toEqual(["Renamed again"]);
  });

  it("keeps a bounded number of pages, dropping the least recently used first", async () => {
    const d = db(env);
    const frank = "0x00000000000000000000000000000000f7a4c001";
    const token = devToken(frank);
    await insertJob(d, row("lru-1", frank, "lru"));
    const titles = async (path: string) => (await statusOf(path, token)).jobs.map((j) => j.title);
    expect(await titles("/job-status?limit=1")).toEqual(["Title of lru-1"]);
    expect(await titles("/job-status?limit=2")).toEqual(["Title of lru-1"]);
    // Both kept: a change behind the triggers' back is not seen by either.
    const kept = (await storedFingerprint(`u:${frank}`))!.fingerprint;
    await env.DB.prepare("UPDATE jobs SET title = 'Renamed' WHERE id = 'lru-1'").run();
    await env.DB.prepare("UPDATE job_fingerprints SET fingerprint = ? WHERE scope = ?").bind(kept, `u:${frank}`).run();
    expect(await titles("/job-status?limit=2")).toEqual(["Title of lru-1"]);
    // 256 other pages later (limit=2 used again halfway), limit=1 was dropped and limit=2 was not.
    for (let limit = 3; limit < 3 + 256; limit++) {
      await call("GET", `/job-status?limit=${limit}`, { token });
      if (limit === 130) expect(await titles("/job-status?limit=2")).toEqual(["Title of lru-1"]);
    }
    expect(await titles("/job-status?limit=1")).toEqual(["Renamed"]);
    expect(await titles("/job-status?limit=2")).toEqual(["Title of lru-1"]);
  });

  it("never misses a change, however often the page changes between polls", async () => {
    const d = db(env);
    const token = devToken(BOB);
    await insertJob(d, row("poll-1", BOB, "poll", { status: "running", ended_at: null, tagged_parts: 0 }));
    const poll = async () => (await statusOf("/job-status?limit=10", token)).jobs.map((j) => `${j.job_id} ${j.status} ${j.tagging_progress}`);
    expect(await poll()).toEqual(["poll-1 running 0/4"]);
    expect(await poll()).toEqual(["poll-1 running 0/4"]);
    // Changes between every poll (each poll then reads the page at once), then none, then one again.
    for (let tagged = 1; tagged <= 3; tagged++) {
      await env.DB.prepare("UPDATE jobs SET tagged_parts = ? WHERE id = 'poll-1'").bind(tagged).run();
      expect(await poll()).toEqual([`poll-1 running ${tagged}/4`]);
    }
    expect(await poll()).toEqual(["poll-1 running 3/4"]);
    expect(await poll()).toEqual(["poll-1 running 3/4"]);
    await env.DB.prepare("UPDATE jobs SET tagged_parts = 4, status = 'succeeded', ended_at = started_at + 5000 WHERE id = 'poll-1'").run();
    expect(await poll()).toEqual(["poll-1 succeeded 4/4"]);

    // A new job, a deleted one (DELETE /jobs soft-deletes), and one removed from the table.
    await insertJob(d, row("poll-2", BOB, "poll", { created_at: 1_700_000_100_000 }));
    expect(await poll()).toEqual(["poll-2 succeeded 4/4", "poll-1 succeeded 4/4"]);
    await softDeleteJob(d, "poll-1");
    expect(await poll()).toEqual(["poll-2 succeeded 4/4"]);
    await env.DB.prepare("DELETE FROM jobs WHERE id = 'poll-2'").run();
    expect(await poll()).toEqual([]);

    // A page past the end keeps its total right too.
    await insertJob(d, row("poll-3", BOB, "poll"));
    expect((await statusOf("/job-status?start=5", token)).meta).toMatchObject({ total: 1, count: 0 });
    await insertJob(d, row("poll-4", BOB, "poll"));
    expect((await statusOf("/job-status?start=5", token)).meta).toMatchObject({ total: 2, count: 0 });
    // And the count alone (limit 0).
    expect((await statusOf("/job-status?limit=0", token)).meta).toMatchObject({ total: 2, count: 0 });
    await insertJob(d, row("poll-5", BOB, "poll"));
    expect((await statusOf("/job-status?limit=0", token)).meta).toMatchObject({ total: 3, count: 0 });
    expect((await statusOf("/job-status?start=5", token)).meta).toMatchObject({ total: 3, count: 0 });
  });

  it("gives a running job's time_running as of each request, with nothing else changed", async () => {
    const d = db(env);
    const carol = "0x0000000000000000000000000000000000ca7001";
    const startedAt = Date.now() - 5_000;
    await insertJob(d, row("tr-1", carol, "tr", { status: "running", started_at: startedAt, ended_at: null }));
    const timeRunning = async () => (await statusOf("/job-status", devToken(carol))).jobs[0]?.tag_details?.time_running ?? Number.NaN;
    const first = await timeRunning();
    await new Promise((r) => setTimeout(r, 120));
    expect(await timeRunning()).toBeGreaterThanOrEqual(first + 0.1);
  });

  it("answers each caller their own page for the same query, and a tenant's page only to its admins", async () => {
    const d = db(env);
    const dave = "0x00000000000000000000000000000000000da7e1";
    const erin = "0x000000000000000000000000000000000000e7e1";
    await insertJob(d, row("own-d", dave, "own"));
    await insertJob(d, row("own-e", erin, "own"));
    for (let i = 0; i < 2; i++) {
      expect((await statusOf("/job-status", devToken(dave))).jobs.map((j) => j.job_id)).toEqual(["own-d"]);
      expect((await statusOf("/job-status", devToken(erin))).jobs.map((j) => j.job_id)).toEqual(["own-e"]);
    }
    // The development user is admin of tenant dev: its page holds dev's jobs, and no other caller gets it.
    await insertJob(d, row("dev-job", dave, "dev"));
    expect((await statusOf("/job-status?tenant=dev")).jobs.map((j) => j.job_id)).toContain("dev-job");
    const refused = await call("GET", "/job-status?tenant=dev", { token: devToken(erin) });
    expect(refused.status).toBe(403);
    expect((await statusOf("/iq__dev-job/job-status")).jobs.map((j) => j.job_id)).toEqual(["dev-job"]);
    expect((await call("GET", "/iq__dev-job/job-status", { token: devToken(erin) })).status).toBe(404);
  });
});
