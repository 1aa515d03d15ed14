import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client";
import { findJobs, getJob, insertJob } from "../../src/db/jobs";
import type { jobs } from "../../src/db/schema";

const USER = "0x00000000000000000000000000000000000jobsdb";

/** A job row with every nullable column either set or left null, by `full`. */
function row(i: number, full: boolean): typeof jobs.$inferInsert {
  return {
    id: `jobsdb-${i}`,
    qid: `iq__jobsdb${i % 3}`,
    model: i % 2 ? "shot" : "asr",
    stream: "video",
    tenant_id: "jobsdb-tenant",
    user: USER,
    title: `Title ${i} with "quotes" and ünïcode`,
    destination_qid: "",
    status: full ? "failed" : "succeeded",
    params: JSON.stringify({ feature: "shot", scope: { type: full ? "livestream" : "video" }, run_config: { n: i } }),
    created_at: 1_700_000_000_000 + i * 1000,
    ...(full
      ? {
          error: "provider failed",
          tag_status: "partial",
          total_parts: 20,
          downloaded_parts: 12,
          tagged_parts: 7,
          num_warnings: 2,
          last_warning: "slow",
          started_at: 1_700_000_000_500 + i * 1000,
          ended_at: 1_700_000_009_000 + i * 1000,
          snapshot_seq: 9,
          live_lag_ms: 1234,
          last_wall_ms: 1_700_000_008_000,
          status_reason: "provider_error",
          status_changed: 1_700_000_009_000 + i * 1000,
          failed_parts: 3,
        }
      : {}),
  };
}

describe("findJobs", () => {
  it("pages a caller's jobs newest first with their total, each row as getJob reads it, nulls and all", async () => {
    const d = db(env);
    for (let i = 0; i < 7; i++) await insertJob(d, row(i, i % 2 === 0));
    const { rows, total } = await findJobs(d, { user: USER }, 0, 5);
    expect(total).toBe(7);
    expect(rows.map((r) => r.id)).toEqual(["jobsdb-6", "jobsdb-5", "jobsdb-4", "jobsdb-3", "jobsdb-2"]);
    for (const r of rows) expect(r).toStrictEqual(await getJob(d, r.id));
    // Every column of the table is there, set or null, and nothing else is.
    expect(Object.keys(rows[0]!).sort()).toEqual(Object.keys((await getJob(d, "jobsdb-6"))!).sort());
    expect(rows[0]!.live_lag_ms).toBe(1234);
    expect(rows[1]!.error).toBeNull();

    // The rest of the pages: a short last page, a page past the end and an empty page still count.
    expect((await findJobs(d, { user: USER }, 5, 5)).rows.map((r) => r.id)).toEqual(["jobsdb-1", "jobsdb-0"]);
    expect(await findJobs(d, { user: USER }, 50, 5)).toEqual({ rows: [], total: 7 });
    expect(await findJobs(d, { user: USER }, 0, 0)).toEqual({ rows: [], total: 7 });
    expect(await findJobs(d, { user: "0xnobody" }, 0, 5)).toEqual({ rows: [], total: 0 });
  });
});
