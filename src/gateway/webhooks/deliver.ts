import { open } from "../../auth/secret-box";
import { db } from "../../db/client";
import { gatewayJobById } from "../../db/gateway-jobs";
import { claimEvent, hasNewerEvent, settleEvent, type WebhookEventRow } from "../../db/webhooks";
import { checkDestination, OutboundUrlError } from "../../net/outbound";
import { tenantWebhookSecret } from "./secrets";
import { signature } from "./signature";

/** A receiver has this long to answer. */
const DELIVERY_TIMEOUT_MS = 10_000;
/** A delivery holds its event this long; past it another delivery of the same message may take over. */
const LEASE_MS = 30_000;
/** Waits after each failed attempt (s), Stripe-like: then the queue gives up into its dead-letter queue. */
export const DEFAULT_RETRY_DELAYS_S = [10, 60, 300, 1800, 7200, 21600, 43200];

export function retryDelays(env: Env): number[] {
  const configured = (env.WEBHOOK_RETRY_DELAYS_S ?? "").split(",").map((s) => Number(s.trim())).filter((n) => Number.isFinite(n) && n >= 0);
  return configured.length ? configured : DEFAULT_RETRY_DELAYS_S;
}

export type DeliveryOutcome = { kind: "done" } | { kind: "retry"; delaySeconds: number };

/** What became of one attempt: delivered, worth another try, or refused for good. */
type Attempt = { ok: true; status: number } | { ok: false; retry: boolean; status: number | null; error: string; retryAfterS?: number };

async function post(env: Env, url: string, headers: Record<string, string>, body: string): Promise<Attempt> {
  try {
    await checkDestination(env, url, "webhook.url");
  } catch (e) {
    if (e instanceof OutboundUrlError) return { ok: false, retry: false, status: null, error: `Refusing ${url.slice(0, 200)}: ${e.message}` };
    throw e;
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), DELIVERY_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: abort.signal });
  } catch (e) {
    return { ok: false, retry: true, status: null, error: abort.signal.aborted ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : `connection failed: ${(e as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
  // The receiver's answer is not ours to keep beyond a hint of why it refused.
  const text = (await res.text().catch(() => "")).slice(0, 200);
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
  if (res.status >= 300 && res.status < 400) return { ok: false, retry: false, status: res.status, error: `answered ${res.status}: redirects are not followed` };
  const retry = res.status >= 500 || res.status === 408 || res.status === 429;
  const after = Number(res.headers.get("retry-after"));
  return { ok: false, retry, status: res.status, error: `answered ${res.status}${text ? `: ${text}` : ""}`, ...(retry && after > 0 ? { retryAfterS: Math.min(3600, after) } : {}) };
}

/** The Standard Webhooks headers beside the client's own, signed with the tenant's secrets. */
async function requestHeaders(env: Env, e: WebhookEventRow, custom: Record<string, string>, now: number): Promise<Record<string, string>> {
  const secrets = await tenantWebhookSecret(env, e.tenant_id, now);
  const timestamp = Math.floor(now / 1000);
  const signatures = [await signature(secrets.secret, e.event_id, timestamp, e.body)];
  if (secrets.previous) signatures.push(await signature(secrets.previous.secret, e.event_id, timestamp, e.body));
  return {
    ...custom,
    "content-type": "application/json",
    "user-agent": "EdgeTagger-Webhooks/1",
    "webhook-id": e.event_id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signatures.join(" "),
  };
}

/**
 * One delivery attempt of one event (the `webhooks` queue's `deliver` message; `attempt` is
 * the queue's count). Taken under a lease, so a message the queue delivers twice posts once;
 * a progress event that a newer event of its job has overtaken is superseded, never sent.
 */
export async function deliverEvent(env: Env, eventId: string, attempt: number, now = Date.now()): Promise<DeliveryOutcome> {
  const e = await claimEvent(db(env), eventId, now, LEASE_MS);
  if (!e) return { kind: "done" };
  if (e.event.endsWith(".progress") && (await hasNewerEvent(db(env), e))) {
    await settleEvent(db(env), e.event_id, { status: "superseded" });
    return { kind: "done" };
  }
  const job = await gatewayJobById(db(env), e.gateway_job_id);
  if (!job?.webhook_url) {
    await settleEvent(db(env), e.event_id, { status: "failed", last_error: "The job or its webhook no longer exists" });
    return { kind: "done" };
  }
  const opened = job.webhook_headers ? await open(env, job.tenant_id, job.webhook_headers) : null;
  const custom = opened ? (JSON.parse(opened) as Record<string, string>) : {};
  const result = await post(env, job.webhook_url, await requestHeaders(env, e, custom, now), e.body);
  const attempts = e.attempts + 1;
  const delays = retryDelays(env);
  if (result.ok) {
    await settleEvent(db(env), e.event_id, { status: "delivered", attempts, last_attempt_at: now, last_response_status: result.status, last_error: null, next_attempt_at: null });
    return { kind: "done" };
  }
  const base = delays[Math.min(attempt - 1, delays.length - 1)]!;
  if (!result.retry || attempt > delays.length) {
    const why = result.retry ? `${result.error} (gave up after ${attempts} attempts)` : result.error;
    await settleEvent(db(env), e.event_id, { status: "failed", attempts, last_attempt_at: now, last_response_status: result.status, last_error: why, next_attempt_at: null });
    return { kind: "done" };
  }
  // ±20 % jitter, so that receivers coming back up are not hit by every sender at once.
  const delaySeconds = Math.max(result.retryAfterS ?? 0, Math.round(base * (0.8 + 0.4 * Math.random())));
  await settleEvent(db(env), e.event_id, { status: "retrying", attempts, last_attempt_at: now, last_response_status: result.status, last_error: result.error, next_attempt_at: now + delaySeconds * 1000 });
  return { kind: "retry", delaySeconds };
}

/** The dead-letter queue's word: the queue gave up on the event. */
export async function giveUpEvent(env: Env, eventId: string): Promise<void> {
  const e = await claimEvent(db(env), eventId, Date.now(), LEASE_MS);
  if (e) await settleEvent(db(env), e.event_id, { status: "failed", last_error: `${e.last_error ?? "not delivered"} (the queue gave up)` });
}
