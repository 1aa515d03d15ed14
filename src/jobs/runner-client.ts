import type { TagRunner } from "../../durable-objects/tag-runner";
import { runnerName } from "./runner-types";

/** The TagRunner's RPC surface, as callers see it. */
export type RunnerApi = Pick<TagRunner, "start" | "planInput" | "planDone" | "planFailed" | "pollInput" | "liveSegments" | "livePollFailed" | "reviveLive" | "claim" | "partFetched" | "partAccepted" | "partDeferred" | "callbackTarget" | "partDone" | "stop" | "forget" | "state">;

/**
 * The pair's runner. The cast is deliberate: workers-types' Rpc mapping turns the JSON-shaped
 * fields typed `unknown` (model params, scope) into `never`, although they serialise fine.
 */
export function runnerFor(env: Env, qid: string, model: string): RunnerApi {
  return runnerByName(env, runnerName(qid, model));
}

export function runnerByName(env: Env, name: string): RunnerApi {
  return env.TAG_RUNNER.getByName(name) as unknown as RunnerApi;
}
