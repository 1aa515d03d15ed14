import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../app-env";
import { principalOf } from "../../auth/middleware";
import { chooseTenant } from "../../auth/principal";
import { db } from "../../db/client";
import { claimKey, completeKey, dropStaleKey, keyOf, releaseKey } from "../../db/idempotency";
import { ApiError, badRequest } from "../../errors";

/** How long a key is remembered. */
const KEY_TTL_MS = 24 * 3600 * 1000;
/** A create answers within seconds; a claim this old with no answer was abandoned by a Worker that died. */
const ABANDONED_AFTER_MS = 60_000;

/** JSON with every object's keys sorted: two bodies that differ only in key order are the same request. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** What identifies a request under a key: SHA-256 of its path and canonical body. */
export async function requestHash(path: string, body: unknown): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${path}\n${canonical(body)}`)));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * `Idempotency-Key` on the AI Gateway's creates (docs: README, "Idempotency"). The first request
 * with a key claims it in D1 (one INSERT, so two at once cannot both win) and its 202 is stored;
 * within 24 h the same key with the same body (keys in any order) gets that 202 again with
 * `Idempotent-Replayed: true` and no new job, another body gets 409 IDEMPOTENCY_KEY_REUSED, and a
 * repeat while the first is still running gets 409 IDEMPOTENCY_KEY_IN_USE (after a minute with
 * no answer the claim counts as abandoned and the repeat takes it over). A request that was
 * refused made nothing, so its key is released for the corrected retry. Keys are per tenant.
 */
export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) return next();
  if (!/^[\x20-\x7e]{1,255}$/.test(key)) throw badRequest("Idempotency-Key must be 1 to 255 printable ASCII characters", "VALIDATION_ERROR");
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    // Not JSON: validation answers 400, and a 400 stores nothing.
    return next();
  }
  const p = await principalOf(c);
  const tenant = chooseTenant(p, c.req.header("x-tenant-id"), "X-Tenant-Id");
  const hash = await requestHash(c.req.path, body);
  const d = db(c.env);
  const now = Date.now();
  const claim = () => claimKey(d, { tenant_id: tenant, key, request_hash: hash, created_at: now, expires_at: now + KEY_TTL_MS });
  let first = await claim();
  if (!first && (await dropStaleKey(d, tenant, key, now, now - ABANDONED_AFTER_MS))) first = await claim();
  if (!first) {
    const seen = await keyOf(d, tenant, key);
    if (!seen) throw new ApiError(409, "IDEMPOTENCY_KEY_IN_USE", "A request with this Idempotency-Key was just being made: retry shortly");
    if (seen.request_hash !== hash) throw new ApiError(409, "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used in the last 24 hours with a different request");
    if (seen.status !== "done" || seen.response_body === null) throw new ApiError(409, "IDEMPOTENCY_KEY_IN_USE", "The first request with this Idempotency-Key is still being processed: retry shortly");
    const headers: Record<string, string> = { "content-type": "application/json", "idempotent-replayed": "true" };
    if (seen.location) headers.location = seen.location;
    return c.body(seen.response_body, (seen.response_status ?? 202) as 202, headers);
  }
  try {
    await next();
  } catch (e) {
    await releaseKey(d, tenant, key, hash);
    throw e;
  }
  // Errors thrown by handlers become responses in onError, after this middleware: so a status
  // other than 202 here, or an error above, both release the key.
  if (c.res.status === 202) {
    await completeKey(d, tenant, key, { status: 202, body: await c.res.clone().text(), location: c.res.headers.get("location") });
  } else await releaseKey(d, tenant, key, hash);
};
