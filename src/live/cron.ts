import { runnerFor } from "../contract/runner";
import { db } from "../db/client";
import { activeLiveJobs, failActiveJob } from "../db/jobs";

/**
 * The cron trigger (every minute): every live job D1 says is active gets its runner checked. A
 * runner whose alarm is missing or late is re-armed; one that cannot be reached (its RPC keeps
 * failing) has its job marked failed with the reason, so nothing stays "running" forever.
 * Cron runs can repeat or overlap: a check on a healthy runner changes nothing.
 */
export async function scheduled(_controller: ScheduledController, env: Env, _ctx?: ExecutionContext): Promise<void> {
  const results = await activeLiveJobs(db(env));
  await Promise.all(
    results.map(async (job) => {
      let verdict: "ok" | "rearmed" | "not-live";
      try {
        verdict = await runnerFor(env, job.qid, job.model).reviveLive(job.id);
      } catch (e) {
        console.error(`cron: the live runner of job ${job.id} cannot be reached`, e);
        return markFailed(env, job.id, "The live job's runner could not be revived");
      }
      if (verdict === "rearmed") console.warn(`cron: re-armed the live runner of job ${job.id}`);
      // D1 says active but the runner no longer has the job (its state was lost, or it moved on
      // without the last snapshot landing). Young rows are left alone: a start may be under way.
      if (verdict === "not-live" && Date.now() - job.created_at > ORPHAN_AFTER_MS) {
        return markFailed(env, job.id, "The live job's runner no longer runs it");
      }
    }),
  );
}

const ORPHAN_AFTER_MS = 120_000;

/** Ends the job in D1 with the reason (a late snapshot from the runner cannot undo it). */
async function markFailed(env: Env, jobId: string, error: string): Promise<void> {
  await failActiveJob(db(env), jobId, error, Date.now());
}
