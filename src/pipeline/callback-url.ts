import { signPayload, verifyPayload } from "../auth/signed-payload";
import type { JobInit } from "../contract/job";
import { providerId } from "../providers/identity";
import type { HttpProviderConfig } from "../contract/provider-config";
import { DEFAULT_CALLBACK_TIMEOUT_S } from "../providers/types";

/** What a callback token names: the job, its runner, the part, the dispatch attempt and the provider. */
export interface CallbackTarget {
  j: string;
  r: string;
  p: string;
  a: number;
  v: string;
}

/** Slack over the wait, so that a callback the runner still waits for is never refused as expired. */
const EXPIRY_SLACK_S = 300;

export async function callbackUrl(env: Env, init: JobInit, runner: string, partId: string, attempt: number, provider: HttpProviderConfig): Promise<string> {
  const ttl = (provider.callback_timeout_s ?? DEFAULT_CALLBACK_TIMEOUT_S) + EXPIRY_SLACK_S;
  const target: CallbackTarget = { j: init.job_id, r: runner, p: partId, a: attempt, v: providerId(provider) };
  return `${env.PUBLIC_BASE_URL.replace(/\/$/, "")}/callbacks/${await signPayload(env, "callback", { ...target }, ttl)}`;
}

export async function readCallbackToken(env: Env, token: string) {
  const v = await verifyPayload<Record<string, unknown>>(env, "callback", token);
  if (!v.ok) return v;
  const { j, r, p, a, v: provider } = v.body;
  if (typeof j !== "string" || typeof r !== "string" || typeof p !== "string" || typeof a !== "number" || typeof provider !== "string") {
    return { ok: false as const, reason: "invalid" as const };
  }
  return { ok: true as const, target: { j, r, p, a, v: provider } satisfies CallbackTarget };
}
