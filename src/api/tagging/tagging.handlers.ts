import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { contentFor } from "../../auth/content-access";
import { principalOf } from "../../auth/middleware";
import { notFound, badRequest, forbidden } from "../../errors";
import { runnerFor } from "../../contract/runner";
import { db } from "../../db/client";
import { activeModels, getJob } from "../../db/jobs";
import { isMember, isSystem, isTenantAdmin } from "../../auth/principal";
import type { TagArgs } from "../../contract/job";
import { findModel } from "../../providers/catalog";
import type { resumeJob as ResumeRoute, stopAll as StopAllRoute, stopModel as StopModelRoute, tag as TagRoute } from "./tagging.routes";
import { contentToTag } from "./content-to-tag";
import { launchJob, prepareJob } from "./start-job";
import { requireReady } from "../../config/readiness";

export const startTaggingHandler: RouteHandler<typeof TagRoute, AppEnv> = async (c) => {
  const principal = await principalOf(c);
  const { qid } = c.req.valid("param");
  const body = c.req.valid("json");
  if (body.jobs.length === 0) throw badRequest("Please specify at least one job to run.", "NO_JOBS");
  requireReady(c.env);
  const { content, live } = await contentToTag(c.env, principal, qid, c.req.valid("query").tenant);
  // The whole request is validated before anything starts, so a bad job starts nothing.
  const inits = [];
  for (const job of body.jobs) inits.push(await prepareJob(c.env, principal, content, live, body.options, job));
  // Each job then starts on its own: its pair's runner decides, atomically, whether it may.
  const jobs = await Promise.all(inits.map((prepared) => launchJob(c.env, prepared)));
  return c.json({ jobs }, 200);
};

export const stopTaggingHandler: RouteHandler<typeof StopAllRoute | typeof StopModelRoute, AppEnv> = async (c) => {
  const { qid, model } = c.req.param() as { qid: string; model?: string };
  await contentFor(c.env, await principalOf(c), qid);
  if (model && !(await findModel(c.env, db(c.env), model))) throw badRequest(`Model ${model} not found`, "MODEL_NOT_FOUND");
  // D1 finds the candidates; each pair's runner is the authority on what is still running.
  const models = await activeModels(db(c.env), qid, model);
  const stopped = (await Promise.all(models.map((m) => runnerFor(c.env, qid, m).stop()))).filter((id): id is string => id !== null);
  if (stopped.length === 0) throw notFound(`No running jobs found for qid: ${qid}${model ? `, model: ${model}` : ""}`, "NO_RUNNING_JOBS");
  return c.json(
    { jobs: stopped.map((job_id) => ({ job_id, message: "Stop requested" })), message: `Stopping ${stopped.length} job(s). Check with /job-status for completion.` },
    200,
  );
};

/**
 * POST /jobs/{job_id}/resume: a stopped or failed job runs again where it left off — the same
 * pair and parameters with `replace: false`, so only the parts not yet tagged run.
 */
export const resumeJobHandler: RouteHandler<typeof ResumeRoute, AppEnv> = async (c) => {
  const p = await principalOf(c);
  const { job_id } = c.req.valid("param");
  const job = await getJob(db(c.env), job_id);
  if (!job || !(isSystem(p) || isMember(p, job.tenant_id))) throw notFound(`Job ${job_id} not found`, "JOB_NOT_FOUND");
  if (job.user !== p.address && !isSystem(p) && !isTenantAdmin(p, job.tenant_id)) throw forbidden(`Job ${job_id} belongs to another user: only they or an admin of its tenant may resume it`);
  if (job.status !== "cancelled" && job.status !== "failed") throw badRequest(`Job ${job_id} is ${job.status}; only cancelled or failed jobs can be resumed`, "JOB_NOT_RESUMABLE");
  requireReady(c.env);
  const { content, live } = await contentToTag(c.env, p, job.qid);
  const params = JSON.parse(job.params) as TagArgs;
  const options = { destination_qid: params.destination_qid, replace: false, max_fetch_retries: params.max_fetch_retries, scope: { ...params.scope } };
  const prepared = await prepareJob(c.env, p, content, live, options, { model: job.model, model_params: params.run_config });
  return c.json(await launchJob(c.env, prepared), 200);
};
