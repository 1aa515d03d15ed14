import { ProviderError } from "../types";
import { classifyWorkersAiError } from "./errors";

// The AI binding's typed run() only knows the models in its catalogue; we call it by id with the
// documented input of the task, so the id is widened on purpose.
type AiRun = (model: string, inputs: Record<string, unknown>) => Promise<unknown>;

/** One Workers AI call; its failures become ProviderErrors that say whether trying again can help. */
export async function runModel(env: Env, model: string, inputs: Record<string, unknown>): Promise<unknown> {
  const ai = env.AI;
  if (!ai) throw new ProviderError("the Workers AI binding (AI) is not configured in this deployment", false);
  try {
    return await (ai.run.bind(ai) as unknown as AiRun)(model, inputs);
  } catch (e) {
    throw classifyWorkersAiError(e, model);
  }
}
