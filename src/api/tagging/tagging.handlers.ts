import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { contentFor } from "../../auth/content-access";
import { principalOf } from "../../auth/middleware";
import { notFound, badRequest } from "../../errors";
import { runnerFor } from "../../contract/runner";
import { db } from "../../db/client";
import { activeModels } from "../../db/jobs";
import { findModel } from "../../providers/catalog";
import type { stopAll as StopAllRoute, stopModel as StopModelRoute, tag as TagRoute } from "./tagging.routes";
import { checkLive } from "../../sources/liveness";
import { prepareJob } from "./start-job";
import { requireReady } from "../../config/readiness";

export const startTaggingHandler: RouteHandler<typeof TagRoute, AppEnv> = async (c) => {
  const principal = await principalOf(c);
  const { qid } = c.req.valid("param");
  const body = c.req.valid("json");
  if (body.jobs.length === 0) throw badRequest("Please specify at least one job to run.", "NO_JOBS");
  requireReady(c.env);
  const content = await contentFor(c.env, principal, qid);
  // The whole request is validated before anything starts, so a bad job starts nothing.
  const inits = [];
  const live = await checkLive(c.env, content);
  for (const job of body.jobs) inits.push(await prepareJob(c.env, principal, content, live, body.options, job));
  // Each job then starts on its own: its pair's runner decides, atomically, whether it may.
  const jobs = await Promise.all(
    inits.map(async ({ init, unavailable }) => {
      if (unavailable) {
        const message = `Model ${init.model} is not available in this deployment: ${unavailable}`;
        return { job_id: "", model: init.model, stream: init.stream, started: false, message, error: message };
      }
      try {
        const res = await runnerFor(c.env, init.qid, init.model).start(init);
        if (res.started) return { job_id: res.job_id, model: init.model, stream: init.stream, started: true, message: "Job enqueued", error: null };
        return {
          job_id: "",
          model: init.model,
          stream: init.stream,
          started: false,
          message: `A job with params (qid=${init.qid}, model=${init.model}, stream=${res.stream}) is already running`,
          error: null,
          // The contract's job_id stays "": the running job is named in a field of its own.
          running_job_id: res.job_id,
        };
      } catch (e) {
        console.error(`starting ${init.model} on ${init.qid} failed`, e);
        return { job_id: "", model: init.model, stream: init.stream, started: false, message: "Job could not be started", error: "The job could not be started; try again" };
      }
    }),
  );
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
