import { ApiError } from "../errors";

/**
 * What a deployment must have before it can run work: media and callback URLs are signed with
 * URL_SIGNING_KEY and point at PUBLIC_BASE_URL. Without them a job would start and then stall
 * until its retries ran out, so starts are refused and /health says why.
 */
export function missingConfiguration(env: Env): string[] {
  const missing: string[] = [];
  if (!env.URL_SIGNING_KEY) missing.push("URL_SIGNING_KEY");
  if (!env.PUBLIC_BASE_URL) missing.push("PUBLIC_BASE_URL");
  return missing;
}

/** 503 naming what is missing, for routes that would start work. */
export function requireReady(env: Env): void {
  const missing = missingConfiguration(env);
  if (missing.length > 0) throw new ApiError(503, "NOT_CONFIGURED", `This deployment is missing ${missing.join(", ")}: no work can start until an operator sets it`);
}
