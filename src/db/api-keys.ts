import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "./client";
import { type ApiKeyRow, apiKeys } from "./schema";

export async function insertApiKey(d: Db, row: ApiKeyRow): Promise<void> {
  await d.insert(apiKeys).values(row);
}

/** A key that has not been revoked. */
export async function activeApiKey(d: Db, id: string): Promise<ApiKeyRow | undefined> {
  return (await d.select().from(apiKeys).where(and(eq(apiKeys.id, id), isNull(apiKeys.revoked_at))).limit(1))[0];
}

export async function listApiKeys(d: Db, tenantId: string): Promise<ApiKeyRow[]> {
  return d.select().from(apiKeys).where(and(eq(apiKeys.tenant_id, tenantId), isNull(apiKeys.revoked_at))).orderBy(asc(apiKeys.created_at), asc(apiKeys.id));
}

/** Revokes the key; false when the tenant has no such active key. */
export async function revokeApiKey(d: Db, tenantId: string, id: string): Promise<boolean> {
  const rows = await d
    .update(apiKeys)
    .set({ revoked_at: Date.now() })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.tenant_id, tenantId), isNull(apiKeys.revoked_at)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}
