import { ProviderError } from "../types";

/**
 * Workers AI throws errors whose message carries its internal code
 * (developers.cloudflare.com/workers-ai/platform/errors). Bad input, unknown models and refused
 * accounts are permanent; rate limits, capacity, timeouts and anything unknown pass.
 */
const PERMANENT_CODES = new Set([3003, 3006, 3023, 3039, 3041, 3042, 5004, 5005, 5007, 5016, 5018, 5019]);

export function classifyWorkersAiError(e: unknown, model: string): ProviderError {
  const message = e instanceof Error ? e.message : String(e);
  const code = Number(/\b([35]\d{3})\b/.exec(message)?.[1] ?? NaN);
  return new ProviderError(`Workers AI ${model}: ${message.slice(0, 300)}`, !PERMANENT_CODES.has(code));
}
