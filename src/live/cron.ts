import { runnerFor } from "../contract/runner";

/**
 * The cron trigger (every minute): every live job D1 says is active gets its runner checked. A
 * runner whose alarm is missing or late is re-armed; one that cannot be reached (its RPC keeps
 * failing) has its job marked failed with the reason, so nothing stays "running" forever.
 * Cron runs can repeat or overlap: a check on a healthy runner changes nothing.
 */
export async function scheduled(_controller: ScheduledController, env: Env, _ctx?: ExecutionContext): Promise<void> {
  const { results } = await env.DB.prepare(
    `SELECT id, qid, model, created_at FROM jobs
     WHERE status IN ('queued', 'running') AND deleted_at IS NULL AND json_extract(params, '$.scope.type') = 'livestream'`,
  ).all<{ id: string; qid: string; model: string; created_at: number }>();
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

/** Ends the job in D1 with the reason; the jump in snapshot_seq keeps a late snapshot from undoing it. */
async function markFailed(env: Env, jobId: string, error: string): Promise<void> {
  await env.DB.prepare(
    `UPDATE jobs SET status = 'failed', tag_status = 'Failed', error = ?, ended_at = ?, snapshot_seq = snapshot_seq + 1000000 WHERE id = ? AND status IN ('queued', 'running')`,
  )
    .bind(error, Date.now(), jobId)
    .run();
}
