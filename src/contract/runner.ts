/** Runner names are derived from the pair, so the same pair always reaches the same object. */
export const runnerName = (qid: string, model: string) => `${qid}\u001f${model}`;

/**
 * The TagRunner as callers see it: its RPC methods, typed from the class itself through the
 * generated binding types (worker-configuration.d.ts), so no list of methods is kept by hand.
 */
export type RunnerStub = ReturnType<Env["TAG_RUNNER"]["getByName"]>;

export function runnerFor(env: Env, qid: string, model: string): RunnerStub {
  return runnerByName(env, runnerName(qid, model));
}

export function runnerByName(env: Env, name: string): RunnerStub {
  return env.TAG_RUNNER.getByName(name);
}
