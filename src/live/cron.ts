import { runnerFor } from "../jobs/runner-client";

/**
 * The cron trigger (every minute): every live job D1 says is active gets its runner checked. A
 * runner whose alarm is missing or late is re-armed; one that cannot be reached (its RPC keeps
 * failing) has its job marked failed with the reason, so nothing stays "running" forever.
 * Cron runs can repeat or overlap: a check on a healthy runner changes nothing.
 */
export async function scheduled(_controller: ScheduledController, env: Env, _ctx?: ExecutionContext): Promise<void> {
  const { results } = await env.DB.prepare(
    `SELECT id, qid, model FROM jobs
     WHERE status IN ('queued', 'running') AND deleted_at IS NULL AND json_extract(params, '$.scope.type') = 'livestream'`,
  ).all<{ id: string; qid: string; model: string }>();
  await Promise.all(
    results.map(async (job) => {
      try {
        const verdict = await runnerFor(env, job.qid, job.model).reviveLive(job.id);
        if (verdict === "rearmed") console.warn(`cron: re-armed the live runner of job ${job.id}`);
      } catch (e) {
        console.error(`cron: the live runner of job ${job.id} cannot be revived`, e);
        await env.DB.prepare(
          `UPDATE jobs SET status = 'failed', tag_status = 'Failed', error = ?, ended_at = ?, snapshot_seq = snapshot_seq + 1000000 WHERE id = ? AND status IN ('queued', 'running')`,
        )
          .bind("The live job's runner could not be revived", Date.now(), job.id)
          .run();
      }
    }),
  );
}
