import { and, count, desc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { JobStatus } from "../jobs/status";
import type { Db } from "./client";
import { jobs } from "./schema";

export interface JobFilter {
  qid?: string;
  status?: JobStatus;
  tenantIds?: string[];
  user?: string;
  model?: string;
  title?: string;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

function where(f: JobFilter): SQL | undefined {
  const conds: SQL[] = [isNull(jobs.deleted_at)];
  if (f.qid) conds.push(eq(jobs.qid, f.qid));
  if (f.status) conds.push(eq(jobs.status, f.status));
  if (f.tenantIds) conds.push(f.tenantIds.length === 1 ? eq(jobs.tenant_id, f.tenantIds[0]!) : inArray(jobs.tenant_id, f.tenantIds.length ? f.tenantIds : ["\u0000"]));
  if (f.user) conds.push(eq(jobs.user, f.user));
  if (f.model) conds.push(eq(jobs.model, f.model));
  if (f.title) conds.push(sql`lower(${jobs.title}) LIKE ${`%${likeEscape(f.title.toLowerCase())}%`} ESCAPE '\\'`);
  return and(...conds);
}

/** Newest first; always a bounded page (SQLite takes no OFFSET without a LIMIT). */
export async function findJobs(d: Db, f: JobFilter, start: number, limit: number) {
  const w = where(f);
  // The total rides along with the page (one D1 round trip); only a page past the end needs a count.
  const page = await d
    .select({ job: jobs, total: sql<number>`count(*) over ()`.mapWith(Number) })
    .from(jobs)
    .where(w)
    .orderBy(desc(jobs.created_at), desc(jobs.id))
    .limit(limit)
    .offset(start);
  const total = page[0]?.total ?? (start > 0 || limit === 0 ? ((await d.select({ n: count() }).from(jobs).where(w))[0]?.n ?? 0) : 0);
  return { rows: page.map((r) => r.job), total };
}

export async function getJob(d: Db, id: string) {
  return (await d.select().from(jobs).where(and(eq(jobs.id, id), isNull(jobs.deleted_at))).limit(1))[0];
}

export async function softDeleteJob(d: Db, id: string): Promise<void> {
  await d.update(jobs).set({ deleted_at: Date.now() }).where(eq(jobs.id, id));
}
