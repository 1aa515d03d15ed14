import type { Acquired } from "../../durable-objects/provider-state";
import type { JobInit } from "../jobs/runner-types";
import { providerId } from "../providers/identity";
import { DEFAULT_CALLBACK_TIMEOUT_S, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_S, type ProviderConfig, ProviderError, type ProviderReply, SLOT_WAIT_MS } from "../providers/types";

/** Slack on a lease over the call's own timeout, so a slow answer does not lose its slot. */
const LEASE_SLACK_MS = 30_000;

export type ChainResult =
  | { kind: "reply"; reply: ProviderReply; provider: ProviderConfig; lease: string }
  /** Every provider that is up was busy for longer than SLOT_WAIT_MS: try the part later. */
  | { kind: "busy" };

export const leaseOf = (jobId: string, partId: string, attempt: number) => `${jobId}:${partId}:${attempt}`;
export const providerState = (env: Env, p: ProviderConfig | string) => env.PROVIDER_STATE.getByName(typeof p === "string" ? p : providerId(p));
const cooldownMs = (p: ProviderConfig) => (p.cooldown_s ?? 30) * 1000;

/**
 * Calls the model's providers in preference order. Each call holds one of the provider's slots
 * (shared by every job); a provider that is down or busy is skipped for the next one, and a
 * transient failure moves on to the next provider at once. A permanent failure (a 4xx: this
 * part is bad) ends the chain. The last provider is always asked, waiting for a slot if need be.
 */
export async function callProviders(env: Env, init: JobInit, partId: string, attempt: number, call: (p: ProviderConfig) => Promise<ProviderReply>): Promise<ChainResult> {
  const lease = leaseOf(init.job_id, partId, attempt);
  let lastError: ProviderError | null = null;
  let busy = false;
  const down: string[] = [];
  for (const [i, p] of init.providers.entries()) {
    const state = providerState(env, p);
    const leaseMs = (p.timeout_s ?? DEFAULT_TIMEOUT_S) * 1000 + LEASE_SLACK_MS;
    // The last provider is the last resort: the circuit breaker only skips a provider in favour
    // of another, and only there does a busy provider make the part wait for a slot.
    const last = i === init.providers.length - 1;
    const got = (await state.acquire(lease, p.concurrency ?? DEFAULT_CONCURRENCY, leaseMs, last ? SLOT_WAIT_MS : 0, cooldownMs(p), last)) as Acquired;
    if (!got.granted) {
      if (got.reason === "down") down.push(providerId(p));
      else busy = true;
      continue;
    }
    let reply: ProviderReply;
    try {
      reply = await call(p);
    } catch (e) {
      if (!(e instanceof ProviderError)) {
        await state.release(lease);
        throw e;
      }
      await state.finish(lease, { ok: false, counts: e.transient, error: e.message }, cooldownMs(p));
      if (!e.transient) throw e;
      lastError = e;
      continue;
    }
    if (reply.kind === "accepted") {
      // The provider works on the part until its callback: it keeps the slot that long.
      await state.extend(lease, (p.kind === "http" ? (p.callback_timeout_s ?? DEFAULT_CALLBACK_TIMEOUT_S) : 0) * 1000 + LEASE_SLACK_MS);
    } else {
      await state.finish(lease, { ok: true, counts: true }, cooldownMs(p));
    }
    return { kind: "reply", reply, provider: p, lease };
  }
  if (lastError) throw lastError;
  if (busy) return { kind: "busy" };
  // Unreachable while the last provider is always tried; kept so the chain can never end silently.
  throw new ProviderError(`No provider of model ${init.model} could take the part (down: ${down.join(", ") || "none"})`, true);
}
