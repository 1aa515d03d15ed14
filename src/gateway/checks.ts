import { ApiError, badRequest, notFound } from "../errors";
import type { GroupState } from "./status";
import { checkDestination, OutboundUrlError } from "../net/outbound";

export const unsupported = (message: string) => new ApiError(400, "UNSUPPORTED_FEATURE", message);

/** Gateway URLs (media and webhooks) obey the outbound-address rule, with the seed's error code. */
export async function checkGatewayUrl(env: Env, url: string, field: string): Promise<void> {
  try {
    await checkDestination(env, url, field);
  } catch (e) {
    if (e instanceof OutboundUrlError) throw new ApiError(400, "SOURCE_URL_FORBIDDEN", e.message);
    throw e;
  }
}

/** meta.client is stored and echoed in every response and webhook: bounded. */
const MAX_META_CLIENT_BYTES = 16 * 1024;

/**
 * What every create checks before anything is stored: where the media (or document) and the webhook point,
 * that only the first audio track is asked for (where a track applies), and meta.client's size.
 */
export async function checkCreate(
  env: Env,
  a: { input: { url?: string; audio_track?: number }; webhook?: { url: string } },
  metaClient: unknown,
  audioTrackApplies: boolean,
): Promise<void> {
  if (a.input.url !== undefined) await checkGatewayUrl(env, a.input.url, "data.attributes.input.url");
  if (a.webhook) await checkGatewayUrl(env, a.webhook.url, "data.attributes.webhook.url");
  if (audioTrackApplies && (a.input.audio_track ?? 0) > 0) throw unsupported("audio_track: only the first audio track (0) can be read here");
  if (metaClient && JSON.stringify(metaClient).length > MAX_META_CLIENT_BYTES) throw badRequest("data.meta.client is larger than 16 KiB as JSON", "VALIDATION_ERROR");
}

/**
 * A result is there only for a completed job: 404 JOB_FAILED after a failure (so a client that
 * takes any 404 for "not ready" reads the job and sees why), else 404 RESULT_NOT_READY with
 * Retry-After.
 */
export function requireCompleted(state: GroupState, what: string, setHeader: (name: string, value: string) => void): void {
  if (state.status === "failed") throw notFound(`${what} failed: ${state.error?.message ?? "no result"}`, "JOB_FAILED");
  if (state.status !== "completed") {
    setHeader("Retry-After", "5");
    throw notFound(`The result of ${what} is not ready (status ${state.status}, progress ${state.progress})`, "RESULT_NOT_READY");
  }
}
