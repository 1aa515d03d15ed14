import { and, desc, eq, gt, inArray, isNull, lt, or } from "drizzle-orm";
import type { Db } from "./client";
import { webhookEvents, webhookSecrets, type WebhookEventRow } from "./schema";

export type { WebhookEventRow };
export type NewWebhookEvent = Pick<WebhookEventRow, "event_id" | "gateway_job_id" | "tenant_id" | "event" | "dedupe_key" | "sequence" | "body" | "created_at">;

/** Adds an event unless the job already has one with its dedupe key; answers whether it was added. */
export async function addEvent(d: Db, e: NewWebhookEvent): Promise<boolean> {
  const added = await d
    .insert(webhookEvents)
    .values({ ...e, status: "pending", attempts: 0 })
    .onConflictDoNothing()
    .returning({ id: webhookEvents.event_id });
  return added.length > 0;
}

export async function eventsOf(d: Db, gatewayJobId: string, limit = 100): Promise<WebhookEventRow[]> {
  return d.select().from(webhookEvents).where(eq(webhookEvents.gateway_job_id, gatewayJobId)).orderBy(desc(webhookEvents.sequence)).limit(limit);
}

/**
 * Takes the event for one delivery attempt: only one consumer holds it at a time (a lease, in
 * case the holder dies), and delivered, failed or superseded events are never taken again.
 */
export async function claimEvent(d: Db, eventId: string, now: number, leaseMs: number): Promise<WebhookEventRow | undefined> {
  const claimed = await d
    .update(webhookEvents)
    .set({ status: "sending", lease_until: now + leaseMs })
    .where(
      and(
        eq(webhookEvents.event_id, eventId),
        or(inArray(webhookEvents.status, ["pending", "retrying"]), and(eq(webhookEvents.status, "sending"), or(isNull(webhookEvents.lease_until), lt(webhookEvents.lease_until, now)))),
      ),
    )
    .returning();
  return claimed[0];
}

/** Whether the job has an event after this one (a pending progress event is then stale). */
export async function hasNewerEvent(d: Db, e: Pick<WebhookEventRow, "gateway_job_id" | "sequence">): Promise<boolean> {
  const newer = await d
    .select({ id: webhookEvents.event_id })
    .from(webhookEvents)
    .where(and(eq(webhookEvents.gateway_job_id, e.gateway_job_id), gt(webhookEvents.sequence, e.sequence)))
    .limit(1);
  return newer.length > 0;
}

export async function settleEvent(
  d: Db,
  eventId: string,
  fields: Partial<Pick<WebhookEventRow, "status" | "attempts" | "last_attempt_at" | "next_attempt_at" | "last_response_status" | "last_error">>,
): Promise<void> {
  await d
    .update(webhookEvents)
    .set({ ...fields, lease_until: null })
    .where(eq(webhookEvents.event_id, eventId));
}

export async function getEvent(d: Db, eventId: string): Promise<WebhookEventRow | undefined> {
  return (await d.select().from(webhookEvents).where(eq(webhookEvents.event_id, eventId)).limit(1))[0];
}

export async function secretRowOf(d: Db, tenant: string) {
  return (await d.select().from(webhookSecrets).where(eq(webhookSecrets.tenant_id, tenant)).limit(1))[0];
}

/** Stores the tenant's first secret unless another request stored one first. */
export async function insertSecret(d: Db, tenant: string, sealed: string, now: number): Promise<void> {
  await d.insert(webhookSecrets).values({ tenant_id: tenant, secret: sealed, created_at: now }).onConflictDoNothing();
}

export async function replaceSecret(d: Db, tenant: string, sealed: string, previous: string, previousExpiresAt: number, now: number): Promise<void> {
  await d.update(webhookSecrets).set({ secret: sealed, previous_secret: previous, previous_expires_at: previousExpiresAt, created_at: now }).where(eq(webhookSecrets.tenant_id, tenant));
}
