import type { PlanMessage, PollMessage } from "../contract/queue";
import { runnerByName } from "../contract/runner";
import { db } from "../db/client";
import { getContent } from "../db/contents";
import { targetTenantOf } from "../contract/job";
import { planContentParts } from "../sources/content-parts";
import { FetchError } from "../sources/safe-fetch";
import { uploadedParts } from "../tagstore/reports";
import { createBatches } from "../tagstore/write";
import { pollLive } from "./live-poll";
import type { Outcome } from "./outcome";


/** A live job's next look at its playlist (sent by its runner's alarm). */
export async function handlePoll(env: Env, m: PollMessage): Promise<Outcome> {
  const runner = runnerByName(env, m.runner);
  const init = await runner.pollInput(m.job_id);
  return init ? pollLive(env, runner, init) : { kind: "ack" };
}

/** Lists a queued job's parts, leaves out those already tagged (unless replace), and hands them to the runner. */
export async function handlePlan(env: Env, m: PlanMessage): Promise<Outcome> {
  const runner = runnerByName(env, m.runner);
  const init = await runner.planInput(m.job_id);
  if (!init) return { kind: "ack" };
  // A live job has no list of parts: its first look at the playlist starts it.
  if (init.params.scope.type === "livestream") return pollLive(env, runner, init);
  let parts;
  try {
    const content = await getContent(db(env), init.qid);
    if (!content) throw new FetchError(`Content ${init.qid} no longer exists`, false);
    parts = (await planContentParts(env, content, init.params.scope, init.model_type)).parts;
  } catch (e) {
    if (!(e instanceof FetchError)) throw e;
    const verdict = await runner.planFailed(m.job_id, `Failed to list parts of ${init.qid}: ${e.message}`, e.transient);
    return verdict === "retry" ? { kind: "retry", delaySeconds: 2 } : { kind: "ack" };
  }
  if (!init.params.replace) {
    const done = await uploadedParts(env, { tenant: targetTenantOf(init), qid: init.target_qid }, init.tracks[0]!.name);
    parts = parts.filter((p) => !done.has(p.id)).map((p, idx) => ({ ...p, idx }));
  }
  await createBatches(env, init, parts);
  await runner.planDone(m.job_id, parts);
  return { kind: "ack" };
}
