import { and, eq, lt, or, sql } from "drizzle-orm";
import type { Db } from "./client";
import { idempotencyKeys, type IdempotencyKeyRow } from "./schema";

export type { IdempotencyKeyRow };

/** Claims a key for a request: true when this request is the first with it (atomic: one INSERT). */
export async function claimKey(d: Db, row: Pick<IdempotencyKeyRow, "tenant_id" | "key" | "request_hash" | "created_at" | "expires_at">): Promise<boolean> {
  const added = await d
    .insert(idempotencyKeys)
    .values({ ...row, status: "pending" })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return added.length > 0;
}

export async function keyOf(d: Db, tenant: string, key: string): Promise<IdempotencyKeyRow | undefined> {
  return (await d.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.tenant_id, tenant), eq(idempotencyKeys.key, key))).limit(1))[0];
}

/** Stores the first request's answer, to be replayed to the requests that repeat it. */
export async function completeKey(d: Db, tenant: string, key: string, response: { status: number; body: string; location: string | null }): Promise<void> {
  await d
    .update(idempotencyKeys)
    .set({ status: "done", response_status: response.status, response_body: response.body, location: response.location })
    .where(and(eq(idempotencyKeys.tenant_id, tenant), eq(idempotencyKeys.key, key)));
}

/** Forgets a key whose request made nothing (refused, or failed), so the client may try again with it. */
export async function releaseKey(d: Db, tenant: string, key: string, requestHash: string): Promise<void> {
  await d.delete(idempotencyKeys).where(and(eq(idempotencyKeys.tenant_id, tenant), eq(idempotencyKeys.key, key), eq(idempotencyKeys.request_hash, requestHash), eq(idempotencyKeys.status, "pending")));
}

/**
 * Removes one key before a reuse if it has expired, or if its first request claimed it before
 * `abandonedBefore` and never answered (its Worker died mid-request: it created nothing it can
 * replay, and the client must not be locked out for a day). Answers whether it did.
 */
export async function dropStaleKey(d: Db, tenant: string, key: string, now: number, abandonedBefore: number): Promise<boolean> {
  const gone = await d
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.tenant_id, tenant),
        eq(idempotencyKeys.key, key),
        or(lt(idempotencyKeys.expires_at, now), and(eq(idempotencyKeys.status, "pending"), lt(idempotencyKeys.created_at, abandonedBefore))),
      ),
    )
    .returning({ key: idempotencyKeys.key });
  return gone.length > 0;
}

/** Removes up to `limit` expired keys (the cron's bounded sweep); answers how many. */
export async function sweepExpiredKeys(d: Db, now: number, limit = 500): Promise<number> {
  const gone = await d.run(sql`DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE expires_at < ${now} LIMIT ${limit})`);
  return gone.meta.changes ?? 0;
}
