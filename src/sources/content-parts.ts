import type { Content } from "../db/contents";
import type { ModelType, Scope } from "../jobs/options";
import { planFabricParts } from "./fabric/plan";
import { planParts, type Plan } from "./registry";

/** The parts of a content that a scope covers, from wherever its media lives (registry or fabric). */
export function planContentParts(env: Env, content: Content, scope: Scope, modelType: ModelType): Promise<Plan> {
  return content.origin === "fabric" ? planFabricParts(env, content, scope, modelType) : planParts(env, content, scope, modelType);
}
