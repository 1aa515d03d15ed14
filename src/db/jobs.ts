import { and, asc, count, desc, eq, gt, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { ACTIVE_STATUSES, type JobStatus } from "../jobs/status";
import type { Db } from "./client";
import { jobFingerprints, type JobRow, jobs } from "./schema";

/*
 * Every query of the `jobs` table. The row is a snapshot for queries: the pair's TagRunner is
 * the authority on a job while it runs (see docs/ARCHITECTURE.md).
 */

const active = () => inArray(jobs.status, [...ACTIVE_STATUSES]);

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

/** How a job list may be ordered: a field, `-` first for descending. */
export const JOB_SORTS = ["created_at", "-created_at", "title", "-title", "status", "-status", "model", "-model", "qid", "-qid"] as const;
export type JobSort = (typeof JOB_SORTS)[number];

function jobOrder(sort: JobSort) {
  const column = { created_at: jobs.created_at, title: jobs.title, status: jobs.status, model: jobs.model, qid: jobs.qid }[sort.replace(/^-/, "") as "created_at"];
  // The id breaks ties, so pages never repeat or skip a job.
  return sort.startsWith("-") ? [desc(column), desc(jobs.id)] : [asc(column), asc(jobs.id)];
}

/** Newest first unless `sort` says otherwise; always a bounded page (SQLite takes no OFFSET without a LIMIT). */
function pageQuery(d: Db, w: SQL | undefined, start: number, limit: number, sort: JobSort) {
  // The total rides along with the page (one D1 round trip); only a page past the end needs a count.
  return d
    .select({ job: jobs, total: sql<number>`count(*) over ()`.mapWith(Number) })
    .from(jobs)
    .where(w)
    .orderBy(...jobOrder(sort))
    .limit(limit)
    .offset(start);
}

async function pageOf(d: Db, w: SQL | undefined, start: number, limit: number, page: Array<{ job: JobRow; total: number }>) {
  const total = page[0]?.total ?? (start > 0 || limit === 0 ? ((await d.select({ n: count() }).from(jobs).where(w))[0]?.n ?? 0) : 0);
  return { rows: page.map((r) => r.job), total };
}

export async function findJobs(d: Db, f: JobFilter, start: number, limit: number, sort: JobSort = "-created_at") {
  const w = where(f);
  return pageOf(d, w, start, limit, await pageQuery(d, w, start, limit, sort));
}

/**
 * The fingerprint scopes whose jobs hold every job the filter can match: its tenants, else its
 * user, else every job (migrations/0016_job_fingerprints.sql).
 */
function scopesOf(f: JobFilter): string[] {
  if (f.tenantIds) return f.tenantIds.map((t) => `t:${t}`);
  if (f.user) return [`u:${f.user}`];
  return ["*"];
}

function fingerprintQuery(d: Db, f: JobFilter) {
  const scopes = scopesOf(f);
  return d
    .select({ n: count(), sum: sql<number>`coalesce(sum(${jobFingerprints.fingerprint}), 0)`.mapWith(Number) })
    .from(jobFingerprints)
    .where(scopes.length === 1 ? eq(jobFingerprints.scope, scopes[0]!) : inArray(jobFingerprints.scope, scopes.length ? scopes : ["\u0000"]));
}

const fingerprintOf = (rows: Array<{ n: number; sum: number }>) => `${rows[0]?.n ?? 0}:${rows[0]?.sum ?? 0}`;

/**
 * A value that changes whenever a job the filter can match changes (and whenever another job of
 * its scopes does: a page of one content changes with every job of its tenant): equal
 * fingerprints mean an unchanged page.
 */
export async function jobsFingerprint(d: Db, f: JobFilter): Promise<string> {
  return fingerprintOf(await fingerprintQuery(d, f));
}

/**
 * findJobs and the filter's fingerprint, read in one D1 batch (one transaction), so the page is
 * exactly the one the fingerprint names. A page past the end counts its total afterwards, outside
 * the batch: it has no fingerprint (null). `limit` 0 asks only for the total.
 */
export async function findJobsFingerprinted(d: Db, f: JobFilter, start: number, limit: number, sort: JobSort = "-created_at") {
  const w = where(f);
  if (limit === 0) {
    const [fp, counted] = await d.batch([fingerprintQuery(d, f), d.select({ n: count() }).from(jobs).where(w)]);
    return { rows: [], total: counted[0]?.n ?? 0, fingerprint: fingerprintOf(fp) };
  }
  const [fp, page] = await d.batch([fingerprintQuery(d, f), pageQuery(d, w, start, limit, sort)]);
  return { ...(await pageOf(d, w, start, limit, page)), fingerprint: page.length > 0 || start === 0 ? fingerprintOf(fp) : null };
}

export async function getJob(d: Db, id: string) {
  return (await d.select().from(jobs).where(and(eq(jobs.id, id), isNull(jobs.deleted_at))).limit(1))[0];
}

export async function softDeleteJob(d: Db, id: string): Promise<void> {
  await d.update(jobs).set({ deleted_at: Date.now() }).where(eq(jobs.id, id));
}

/** The job's first row, written by its runner before the start request is answered. */
export async function insertJob(d: Db, row: typeof jobs.$inferInsert): Promise<void> {
  await d.insert(jobs).values(row);
}

export type JobSnapshot = Pick<
  JobRow,
  | "status" | "tag_status" | "error" | "total_parts" | "downloaded_parts" | "tagged_parts" | "num_warnings" | "last_warning" | "started_at" | "ended_at" | "live_lag_ms" | "last_wall_ms" | "snapshot_seq"
  | "status_reason" | "status_changed" | "failed_parts"
>;

/**
 * The runner's view of a job, as one statement to batch with others. Snapshots can race each
 * other (the runner interleaves while it awaits D1), so an older one never overwrites a newer one.
 */
export function snapshotJob(d: Db, id: string, snap: JobSnapshot) {
  return d
    .update(jobs)
    .set(snap)
    .where(and(eq(jobs.id, id), lt(jobs.snapshot_seq, snap.snapshot_seq)));
}

/** The models with an active job on the content, by D1 (each pair's runner has the last word). */
export async function activeModels(d: Db, qid: string, model?: string): Promise<string[]> {
  const rows = await d
    .selectDistinct({ model: jobs.model })
    .from(jobs)
    .where(and(eq(jobs.qid, qid), active(), isNull(jobs.deleted_at), model ? eq(jobs.model, model) : undefined));
  return rows.map((r) => r.model);
}

/** Every model that ever ran on the content (deleted jobs too: their runners still hold state). */
export async function modelsRunOn(d: Db, qid: string): Promise<string[]> {
  return (await d.selectDistinct({ model: jobs.model }).from(jobs).where(eq(jobs.qid, qid))).map((r) => r.model);
}

/** Live jobs D1 calls active, for the cron's check on their runners. */
export async function activeLiveJobs(d: Db) {
  return d
    .select({ id: jobs.id, qid: jobs.qid, model: jobs.model, created_at: jobs.created_at })
    .from(jobs)
    .where(and(active(), isNull(jobs.deleted_at), sql`json_extract(${jobs.params}, '$.scope.type') = 'livestream'`));
}

/** Ends an active job in D1 with the reason; the jump in snapshot_seq keeps a late snapshot from undoing it. */
export async function failActiveJob(d: Db, id: string, error: string, now: number): Promise<void> {
  await d
    .update(jobs)
    .set({ status: "failed", tag_status: "Failed", error, ended_at: now, status_reason: "runner_lost", status_changed: now, snapshot_seq: sql`${jobs.snapshot_seq} + 1000000` })
    .where(and(eq(jobs.id, id), active()));
}

/** A tenant's jobs that are active or ended after `endedAfter`, newest first (a feed's snapshot). */
export async function recentTenantJobs(d: Db, tenant: string, endedAfter: number, f: { qid?: string; model?: string }, limit: number): Promise<JobRow[]> {
  return d
    .select()
    .from(jobs)
    .where(
      and(
        eq(jobs.tenant_id, tenant),
        isNull(jobs.deleted_at),
        or(active(), gt(jobs.ended_at, endedAfter)),
        f.qid ? eq(jobs.qid, f.qid) : undefined,
        f.model ? eq(jobs.model, f.model) : undefined,
      ),
    )
    .orderBy(desc(jobs.created_at))
    .limit(limit);
}

/** One tenant's active jobs of one model, and their parts neither tagged nor given up yet. */
export interface ModelBacklog {
  tenant_id: string;
  model: string;
  active_jobs: number;
  open_parts: number;
}

/** The backlog of active jobs per tenant and model (`tenantIds` null: every tenant). */
export async function backlogByModel(d: Db, tenantIds: string[] | null): Promise<ModelBacklog[]> {
  return d
    .select({
      tenant_id: jobs.tenant_id,
      model: jobs.model,
      active_jobs: count(),
      open_parts: sql<number>`COALESCE(SUM(MAX(0, ${jobs.total_parts} - ${jobs.tagged_parts} - ${jobs.failed_parts})), 0)`,
    })
    .from(jobs)
    .where(and(active(), isNull(jobs.deleted_at), tenantIds ? inArray(jobs.tenant_id, tenantIds) : undefined))
    .groupBy(jobs.tenant_id, jobs.model);
}
