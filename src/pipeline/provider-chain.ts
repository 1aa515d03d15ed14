import type { Acquired, SlotUse } from "../contract/provider-slots";
import type { JobInit } from "../contract/job";
import { priorityRank } from "../contract/priority";
import { providerId } from "../providers/identity";
import type { ProviderConfig } from "../contract/provider-config";
import { type PartIo, providerState } from "./part-io";

export { providerState };
import { DEFAULT_CALLBACK_TIMEOUT_S, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_S, ProviderError, type ProviderReply, SLOT_WAIT_MS } from "../providers/types";

/** Slack on a lease over the call's own timeout, so a slow answer does not lose its slot. */
const LEASE_SLACK_MS = 30_000;

export type ChainResult =
  /** `settled`: the slot's release and the call's verdict, under way; await it before reporting the part. */
  | { kind: "reply"; reply: ProviderReply; provider: ProviderConfig; lease: string; settled: Promise<void> }
  /** Every provider that is up was busy for longer than SLOT_WAIT_MS: try the part later. */
  | { kind: "busy" };

export const leaseOf = (jobId: string, partId: string, attempt: number) => `${jobId}:${partId}:${attempt}`;
const cooldownMs = (p: ProviderConfig) => (p.cooldown_s ?? 30) * 1000;

function acquireSlot(io: PartIo, p: ProviderConfig, lease: string, last: boolean, rank: number, use: SlotUse): Promise<Acquired> {
  const leaseMs = (p.timeout_s ?? DEFAULT_TIMEOUT_S) * 1000 + LEASE_SLACK_MS;
  // The last provider is the last resort: the circuit breaker only skips a provider in favour
  // of another, and only there does a busy provider make the part wait for a slot.
  return io.acquire(p, { op: "acquire", lease, limit: p.concurrency ?? DEFAULT_CONCURRENCY, leaseMs, waitMs: last ? SLOT_WAIT_MS : 0, cooldownMs: cooldownMs(p), lastResort: last, rank, use });
}

/** Whose part a slot is for; `queuedAt`: when the runner sent it (older messages carry none). */
const slotUse = (init: JobInit, queuedAt: number | undefined): SlotUse => ({ tenant: init.tenant_id, model: init.model, queued_at: queuedAt ?? Date.now() });

/**
 * Starts asking the preferred provider for a slot, so that the wait overlaps the part's media
 * preparation; callProviders() takes the answer. release() gives the slot back if the part
 * never gets to the provider.
 */
export function prefetchSlot(io: PartIo, init: JobInit, partId: string, attempt: number, queuedAt?: number) {
  const p = init.providers[0]!;
  const lease = leaseOf(init.job_id, partId, attempt);
  const slot = acquireSlot(io, p, lease, init.providers.length === 1, priorityRank(init.priority), slotUse(init, queuedAt));
  // A failed RPC surfaces where the slot is awaited; this keeps it from being unhandled meanwhile.
  slot.catch(() => undefined);
  return {
    slot,
    async release() {
      if ((await slot.catch(() => null))?.granted) await io.release(p, lease);
    },
  };
}

/**
 * Calls the model's providers in preference order. Each call holds one of the provider's slots
 * (shared by every job); a provider that is down or busy is skipped for the next one, and a
 * transient failure moves on to the next provider at once. A permanent failure (a 4xx: this
 * part is bad) ends the chain. The last provider is always asked, waiting for a slot if need be.
 */
export async function callProviders(
  env: Env,
  io: PartIo,
  init: JobInit,
  partId: string,
  attempt: number,
  call: (p: ProviderConfig) => Promise<ProviderReply>,
  firstSlot?: Promise<Acquired>,
  queuedAt?: number,
): Promise<ChainResult> {
  const lease = leaseOf(init.job_id, partId, attempt);
  let lastError: ProviderError | null = null;
  let busy = false;
  const down: string[] = [];
  for (const [i, p] of init.providers.entries()) {
    const last = i === init.providers.length - 1;
    const got = i === 0 && firstSlot ? await firstSlot : await acquireSlot(io, p, lease, last, priorityRank(init.priority), slotUse(init, queuedAt));
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
        await io.release(p, lease);
        throw e;
      }
      await io.finish(p, lease, { ok: false, counts: e.transient, error: e.message }, cooldownMs(p));
      if (!e.transient) throw e;
      lastError = e;
      continue;
    }
    // Freed as soon as the provider answered (the next part may start while the tags are
    // written); an accepted part keeps its slot until its callback.
    const settled =
      reply.kind === "accepted"
        ? providerState(env, p).extend(lease, (p.kind === "http" ? (p.callback_timeout_s ?? DEFAULT_CALLBACK_TIMEOUT_S) : 0) * 1000 + LEASE_SLACK_MS)
        : io.finish(p, lease, { ok: true, counts: true }, cooldownMs(p));
    return { kind: "reply", reply, provider: p, lease, settled };
  }
  if (lastError) throw lastError;
  if (busy) return { kind: "busy" };
  // Unreachable while the last provider is always tried; kept so the chain can never end silently.
  throw new ProviderError(`No provider of model ${init.model} could take the part (down: ${down.join(", ") || "none"})`, true);
}
