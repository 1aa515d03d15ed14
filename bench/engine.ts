import { type Bench, benchModel, type JobRun, quantile, registerContent, sleep, tagAndFollow } from "./lib";

/**
 * The engine's own cost: one long job against a provider of fixed latency ((a), (a2)), many jobs
 * at once against an instant provider ((a3)), and a burst of small jobs ((g)).
 */

export interface SingleJobFigure {
  parts: number;
  concurrency: number;
  latencyMs: number;
  run: JobRun;
  idealMs: number;
  ratio: number;
  partsPerS: number;
}

/** One job of `parts` parts through a provider answering after `latencyMs`, `concurrency` at once. */
export async function singleJob(b: Bench, label: string, parts: number, concurrency: number, latencyMs: number): Promise<SingleJobFigure> {
  const model = `bench${label}`;
  await benchModel(b, model, latencyMs, concurrency);
  await registerContent(b, `${model}-content`, parts);
  const run = await tagAndFollow(b, `${model}-content`, model);
  if (run.status !== "succeeded") throw new Error(`the ${parts}-part job ended ${run.status} (${run.tagged})`);
  const idealMs = (parts * latencyMs) / concurrency;
  return { parts, concurrency, latencyMs, run, idealMs, ratio: run.wallMs / idealMs, partsPerS: parts / (run.wallMs / 1000) };
}

export interface ManyJobsFigure {
  jobs: number;
  partsEach: number;
  /**
   * From the first POST /tag to the last job's end as the service recorded it (its
   * status_changed in /job-status); the polled wall when a job did not end.
   */
  wallMs: number;
  /** From the first POST /tag to the poll that found every job ended (polls are 200 ms apart). */
  polledWallMs: number;
  idealMs: number;
  partsPerS: number;
  succeeded: number;
  /** Jobs not succeeded when the wait ended: their statuses, counted. */
  others: Record<string, number>;
  startMedianMs: number;
}

/**
 * `jobs` jobs of `partsEach` parts each, all asked for at once, on one model whose provider
 * answers after `latencyMs` with `concurrency` parts at once across every job. Waits until every
 * job ended or `deadlineMs` passed, so a stuck job shows in `others` instead of hanging the bench.
 */
export async function manyJobs(b: Bench, label: string, jobs: number, partsEach: number, concurrency: number, latencyMs: number, deadlineMs: number): Promise<ManyJobsFigure> {
  return (await prepareManyJobs(b, label, jobs, partsEach, concurrency, latencyMs))(deadlineMs);
}

/** manyJobs in two steps: the model and contents now, the jobs when the returned function is called. */
export async function prepareManyJobs(b: Bench, label: string, jobs: number, partsEach: number, concurrency: number, latencyMs: number): Promise<(deadlineMs: number) => Promise<ManyJobsFigure>> {
  const model = `bench${label}`;
  await benchModel(b, model, latencyMs, concurrency);
  const qids = Array.from({ length: jobs }, (_, i) => `${model}-${i}`);
  for (let i = 0; i < qids.length; i += 8) await Promise.all(qids.slice(i, i + 8).map((q) => registerContent(b, q, partsEach)));
  return (deadlineMs) => runManyJobs(b, model, qids, partsEach, concurrency, latencyMs, deadlineMs);
}

async function runManyJobs(b: Bench, model: string, qids: string[], partsEach: number, concurrency: number, latencyMs: number, deadlineMs: number): Promise<ManyJobsFigure> {
  const jobs = qids.length;
  const t0 = performance.now();
  // The service's clock is this machine's: its recorded end times compare with this one.
  const t0Epoch = Date.now();
  const starts = await Promise.all(
    qids.map(async (qid) => {
      const t = performance.now();
      const res = (await (await b.call("POST", `/${qid}/tag`, { jobs: [{ model }] })).json()) as { jobs: Array<{ started: boolean; message: string }> };
      if (!res.jobs[0]?.started) throw new Error(`job on ${qid} did not start: ${res.jobs[0]?.message}`);
      return performance.now() - t;
    }),
  );
  let statuses: Array<{ status: string; tagging_progress: string; status_changed: string }> = [];
  for (;;) {
    // The fields the bench reads, as /job-status's contract gives them (JSON comes untyped).
    ({ jobs: statuses } = (await (await b.call("GET", `/job-status?model=${model}&limit=${jobs}`)).json()) as { jobs: typeof statuses });
    const ended = statuses.filter((j) => ["succeeded", "failed", "cancelled"].includes(j.status)).length;
    if (ended === jobs || performance.now() - t0 > deadlineMs) break;
    await sleep(200);
  }
  const polledWallMs = performance.now() - t0;
  const ends = statuses.filter((j) => ["succeeded", "failed", "cancelled"].includes(j.status)).map((j) => Date.parse(j.status_changed));
  const wallMs = ends.length === jobs ? Math.max(...ends) - t0Epoch : polledWallMs;
  const others: Record<string, number> = {};
  let succeeded = 0;
  for (const j of statuses) {
    if (j.status === "succeeded" && j.tagging_progress === `${partsEach}/${partsEach}`) succeeded++;
    else others[`${j.status} ${j.tagging_progress}`] = (others[`${j.status} ${j.tagging_progress}`] ?? 0) + 1;
  }
  starts.sort((a, c) => a - c);
  const parts = jobs * partsEach;
  return { jobs, partsEach, wallMs, polledWallMs, idealMs: (parts * latencyMs) / concurrency, partsPerS: parts / (wallMs / 1000), succeeded, others, startMedianMs: quantile(starts, 0.5) };
}
