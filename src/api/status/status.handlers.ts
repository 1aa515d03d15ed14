import { retractJobResults } from "../../tagstore/write";
import { runnerFor } from "../../contract/runner";
import { levelsFrom } from "../../contract/job-events";
import { jobEventsPage } from "../../db/job-events";
import { isoTime } from "../../jobs/time";
import type { RouteHandler, z } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import type { JSONParsed } from "hono/utils/types";
import { jobStatusPage } from "./job-pages";
import type { AppEnv } from "../../app-env";
import { contentFor, tagStoreRef } from "../../auth/content-access";
import { principalOf } from "../../auth/middleware";
import { isMember, isSystem, isTenantAdmin, type Principal } from "../../auth/principal";
import { db } from "../../db/client";
import { findJobs, getJob, type JobFilter, softDeleteJob } from "../../db/jobs";
import { badRequest, forbidden, notFound } from "../../errors";
import { isTerminal, statusFromFilter } from "../../jobs/status";
import { MAX_JOBS_PER_PAGE } from "../../limits";
import { contentTagStatus, modelTagStatus } from "../../tagstore/reports";
import type { contentJobStatus as ContentRoute, deleteJob as DeleteRoute, jobEvents as EventsRoute, jobStatus as ListRoute, modelTagStatus as ModelRoute, StatusResponseSchema, tagStatus as TagStatusRoute } from "./status.routes";

/** `Cache-Control: no-cache` asks for a job page read from D1, not one answered from memory. */
const wantsFresh = (c: Context) => /\bno-cache\b/i.test(c.req.header("cache-control") ?? "");

/**
 * A job page's JSON, sent as c.json would send it. job-pages.ts rendered it with jobStatusView,
 * the view behind StatusResponseSchema, so it is the route's response; the compiler cannot see
 * that through a string, hence the cast.
 */
const pageResponse = (c: Context, body: string) =>
  c.body(body, 200, { "content-type": "application/json" }) as unknown as TypedResponse<JSONParsed<z.infer<typeof StatusResponseSchema>>, 200, "json">;

/** Which jobs a /job-status query may see: the caller's own unless they are an admin asking for more. */
function scopeFilter(p: Principal, tenant: string | undefined, user: string | undefined): Pick<JobFilter, "tenantIds" | "user"> {
  const u = user?.toLowerCase();
  if (tenant) {
    if (!isTenantAdmin(p, tenant)) {
      if (u === p.address && isMember(p, tenant)) return { tenantIds: [tenant], user: u };
      throw forbidden(`Querying tenant ${tenant} needs tenant admin rights`);
    }
    return { tenantIds: [tenant], ...(u ? { user: u } : {}) };
  }
  if (isSystem(p)) return u ? { user: u } : {};
  if (!u || u === p.address) return { user: p.address };
  const adminOf = [...p.roles].filter(([, r]) => r === "admin").map(([t]) => t);
  if (adminOf.length === 0) throw forbidden("Querying another user's jobs needs tenant admin rights");
  return { user: u, tenantIds: adminOf };
}

export const jobStatusHandler: RouteHandler<typeof ListRoute, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  const identity = c.get("identity");
  // Your own jobs need no roles: only wider queries read them from D1.
  const own = identity.kind === "user" && !q.tenant && (!q.user || q.user.toLowerCase() === identity.address);
  const filter: JobFilter = {
    ...(own ? { user: identity.address } : scopeFilter(await principalOf(c), q.tenant, q.user)),
    ...(q.qid ? { qid: q.qid } : {}),
    ...(q.status ? { status: statusFromFilter(q.status) } : {}),
    ...(q.model ? { model: q.model } : {}),
    ...(q.title ? { title: q.title } : {}),
  };
  const start = q.start ?? 0;
  const limit = Math.min(q.limit ?? MAX_JOBS_PER_PAGE, MAX_JOBS_PER_PAGE);
  const page = await jobStatusPage(db(c.env), filter, start, limit, q.sort ?? "-created_at", Date.now(), wantsFresh(c));
  return pageResponse(c, page.body);
};

export const contentJobStatusHandler: RouteHandler<typeof ContentRoute, AppEnv> = async (c) => {
  const p = await principalOf(c);
  const { qid } = c.req.valid("param");
  const q = c.req.valid("query");
  const start = q.start ?? 0;
  const limit = Math.min(q.limit ?? MAX_JOBS_PER_PAGE, MAX_JOBS_PER_PAGE);
  // Only jobs in the caller's tenants exist for them: another tenant's content answers 404.
  const filter: JobFilter = {
    qid,
    ...(isSystem(p) ? {} : { tenantIds: [...p.roles.keys()] }),
    ...(q.status ? { status: statusFromFilter(q.status) } : {}),
    ...(q.user ? { user: q.user.toLowerCase() } : {}),
    ...(q.model ? { model: q.model } : {}),
    ...(q.title ? { title: q.title } : {}),
  };
  const page = await jobStatusPage(db(c.env), filter, start, limit, q.sort ?? "-created_at", Date.now(), wantsFresh(c));
  // The content has no job at all (for this caller): 404, as the contract says; a filter or a
  // page that matches nothing is an empty page.
  if (page.total === 0 && (await findJobs(db(c.env), { qid, ...(isSystem(p) ? {} : { tenantIds: [...p.roles.keys()] }) }, 0, 0)).total === 0) {
    throw notFound("No jobs found", "NO_JOBS_FOUND");
  }
  return pageResponse(c, page.body);
};

export const deleteJobHandler: RouteHandler<typeof DeleteRoute, AppEnv> = async (c) => {
  const p = await principalOf(c);
  const { job_id } = c.req.valid("param");
  const { tenant } = c.req.valid("query");
  const job = await getJob(db(c.env), job_id);
  if (!job || !isMember(p, job.tenant_id)) throw notFound(`Job ${job_id} not found`, "JOB_NOT_FOUND");
  const owner = job.user === p.address;
  // Naming a tenant that is not the job's is a mistake worth telling, even for the owner.
  if (tenant && tenant !== job.tenant_id) throw forbidden(`Job ${job_id} is not in tenant ${tenant}`);
  if (!owner && !isSystem(p)) {
    if (!tenant) throw forbidden(`Job ${job_id} belongs to another user: pass ?tenant= as an admin of its tenant`);
    if (tenant !== job.tenant_id || !isTenantAdmin(p, tenant)) throw forbidden(`You are not an admin of the job's tenant`);
  }
  if (!isTerminal(job.status)) throw badRequest(`Job ${job_id} is ${job.status}; only succeeded, failed or cancelled jobs can be deleted`, "JOB_ACTIVE");
  await softDeleteJob(db(c.env), job_id);
  await retractJobResults(c.env, job_id);
  return c.body(null, 204);
};

export const tagStatusHandler: RouteHandler<typeof TagStatusRoute, AppEnv> = async (c) => {
  const content = await contentFor(c.env, await principalOf(c), c.req.valid("param").qid);
  return c.json({ models: await contentTagStatus(c.env, tagStoreRef(content)) }, 200);
};

export const modelTagStatusHandler: RouteHandler<typeof ModelRoute, AppEnv> = async (c) => {
  const { qid, model } = c.req.valid("param");
  const content = await contentFor(c.env, await principalOf(c), qid);
  const status = await modelTagStatus(c.env, tagStoreRef(content), model);
  if (!status) throw notFound(`Model ${model} has never run on ${qid}`, "NO_JOBS_FOUND");
  return c.json(status, 200);
};

/** GET /jobs/{job_id}/events: from the pair's runner while it has the job, else from D1's copy. */
export const jobEventsHandler: RouteHandler<typeof EventsRoute, AppEnv> = async (c) => {
  const p = await principalOf(c);
  const { job_id } = c.req.valid("param");
  const q = c.req.valid("query");
  const job = await getJob(db(c.env), job_id);
  if (!job || !(isSystem(p) || isMember(p, job.tenant_id))) throw notFound(`Job ${job_id} not found`, "JOB_NOT_FOUND");
  if (job.user !== p.address && !isSystem(p) && !isTenantAdmin(p, job.tenant_id)) throw forbidden(`Job ${job_id} belongs to another user: only they or an admin of its tenant may read its events`);
  const start = q.start ?? 0;
  const limit = Math.min(q.limit ?? MAX_EVENTS_PER_PAGE, MAX_EVENTS_PER_PAGE);
  const page = (await runnerFor(c.env, job.qid, job.model).events(job_id, q.level, start, limit)) ?? (await jobEventsPage(c.env.DB, job_id, levelsFrom(q.level), start, limit));
  return c.json(
    { events: page.events.map((e) => ({ ...e, timestamp: isoTime(e.timestamp) })), meta: { total: page.total, start, limit, count: page.events.length } },
    200,
  );
};

/** Events in one answer when the client asks for no limit. */
const MAX_EVENTS_PER_PAGE = 1000;
