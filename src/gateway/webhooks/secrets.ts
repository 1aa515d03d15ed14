import { open, seal } from "../../auth/secret-box";
import { db } from "../../db/client";
import { insertSecret, replaceSecret, secretRowOf } from "../../db/webhooks";
import { ApiError } from "../../errors";
import { newWebhookSecret } from "./signature";

/** After a rotation the previous secret keeps signing beside the new one for this long. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

export interface TenantWebhookSecret {
  secret: string;
  created_at: number;
  /** The previous secret while it still signs. */
  previous?: { secret: string; expires_at: number };
}

const unreadable = () => new ApiError(500, "INTERNAL_ERROR", "The tenant's webhook secret cannot be opened with this deployment's CREDENTIALS_KEY");

/** The tenant's signing secrets, made on first use. Sealed at rest like every stored credential. */
export async function tenantWebhookSecret(env: Env, tenant: string, now = Date.now()): Promise<TenantWebhookSecret> {
  let row = await secretRowOf(db(env), tenant);
  if (!row) {
    await insertSecret(db(env), tenant, await seal(env, tenant, newWebhookSecret()), now);
    row = (await secretRowOf(db(env), tenant))!;
  }
  const secret = await open(env, tenant, row.secret);
  if (!secret) throw unreadable();
  const previous = row.previous_secret && row.previous_expires_at && row.previous_expires_at > now ? await open(env, tenant, row.previous_secret) : null;
  return { secret, created_at: row.created_at, ...(previous && row.previous_expires_at ? { previous: { secret: previous, expires_at: row.previous_expires_at } } : {}) };
}

/** A new secret; the current one signs beside it for ROTATION_OVERLAP_MS so receivers can switch. */
export async function rotateWebhookSecret(env: Env, tenant: string, now = Date.now()): Promise<TenantWebhookSecret> {
  const current = await tenantWebhookSecret(env, tenant, now);
  const row = (await secretRowOf(db(env), tenant))!;
  await replaceSecret(db(env), tenant, await seal(env, tenant, newWebhookSecret()), row.secret, now + ROTATION_OVERLAP_MS, now);
  const rotated = await tenantWebhookSecret(env, tenant, now);
  return { ...rotated, previous: { secret: current.secret, expires_at: now + ROTATION_OVERLAP_MS } };
}
