import { shot } from "./shot";
import type { ModelSpec } from "./types";

// Each spec has its own params type; the registry only needs parse() and run() to agree.
export const MODELS: Record<string, ModelSpec<unknown>> = {
  shot: shot as ModelSpec<unknown>,
};
