import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectError, json, registerHls, registerModel, startJob, waitFor } from "../worker/helpers";
import { feedSnapshot, setupTenant } from "./tenants";

describe("a content id deleted by one tenant and registered again by another", () => {
  it("shows the new owner nothing of the old one's", async () => {
    const a = await setupTenant("del-a");
    const b = await setupTenant("del-b");
    await registerModel("delm");
    await registerHls("shared-id", 2, { token: a.token, tenant: "del-a" });
    const { jobs } = await startJob("shared-id", { jobs: [{ model: "delm", model_params: { secret_param: "A's" } }] }, a.token);
    await waitFor("shared-id", jobs[0]!.job_id, ["succeeded"], 20_000, a.token);
    expect((await json(await call("GET", "/shared-id/tags", { token: a.token }), 200)).meta.total).toBe(2);
    expect((await feedSnapshot("/shared-id/feed/delm", a.token)).jobs).toHaveLength(1);

    expect((await call("DELETE", "/contents/shared-id", { token: a.token })).status).toBe(204);
    // Deleting twice is a plain 404: nothing left to delete.
    await expectError(await call("DELETE", "/contents/shared-id", { token: a.token }), 404);

    await registerHls("shared-id", 2, { token: b.token, tenant: "del-b" });
    expect((await json(await call("GET", "/shared-id/tags", { token: b.token }), 200)).meta.total).toBe(0);
    expect((await json(await call("GET", "/shared-id/tracks", { token: b.token }), 200)).tracks).toEqual([]);
    expect((await json(await call("GET", "/shared-id/tag-status", { token: b.token }), 200)).models).toEqual([]);
    await expectError(await call("GET", "/shared-id/tag-status/delm", { token: b.token }), 404);
    await expectError(await call("GET", "/shared-id/job-status", { token: b.token }), 404);
    const exported = await call("GET", "/shared-id/tags/export?format=json", { token: b.token });
    expect(exported.status).toBe(200);
    expect(JSON.parse(await exported.text()).tags).toEqual([]);
    const snap = await feedSnapshot("/shared-id/feed/delm?since=0", b.token);
    expect(snap.jobs).toEqual([]);
    expect(JSON.stringify(snap)).not.toContain("secret_param");
    // Nothing of A's is left in storage under the id.
    for (const table of ["tags", "tracks", "batches", "report_parts"]) {
      const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE qid = ? AND tenant_id != ?`).bind("shared-id", "del-b").first<{ n: number }>();
      expect(row?.n, table).toBe(0);
    }

    // B's own run tags every part: A's earlier report does not count as "already tagged".
    const second = await startJob("shared-id", { jobs: [{ model: "delm" }] }, b.token);
    const done = await waitFor("shared-id", second.jobs[0]!.job_id, ["succeeded"], 20_000, b.token);
    expect(done.tag_details.tagged_parts).toBe(2);
    expect((await json(await call("GET", "/shared-id/tags", { token: b.token }), 200)).meta.total).toBe(2);
  });

  it("refuses to delete while a job runs, and keeps everything then", async () => {
    const a = await setupTenant("del-c");
    await registerModel("delslow");
    await registerHls("busy-id", 2, { token: a.token, tenant: "del-c" });
    const { jobs } = await startJob("busy-id", { jobs: [{ model: "delslow", model_params: { latency_ms: 1500 } }] }, a.token);
    await expectError(await call("DELETE", "/contents/busy-id", { token: a.token }), 409);
    await waitFor("busy-id", jobs[0]!.job_id, ["succeeded"], 20_000, a.token);
    expect((await json(await call("GET", "/busy-id/tags", { token: a.token }), 200)).meta.total).toBe(2);
  });
});
