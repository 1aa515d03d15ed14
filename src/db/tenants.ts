import { and, eq } from "drizzle-orm";
import type { Db } from "./client";
import { members, tenants } from "./schema";

export type Role = "member" | "admin";

export async function rolesOf(d: Db, address: string): Promise<Map<string, Role>> {
  const rows = await d.select({ tenant_id: members.tenant_id, role: members.role }).from(members).where(eq(members.address, address));
  return new Map(rows.map((r) => [r.tenant_id, r.role]));
}

export async function getTenant(d: Db, id: string) {
  return (await d.select().from(tenants).where(eq(tenants.id, id)).limit(1))[0];
}

export async function upsertTenant(d: Db, id: string, name: string): Promise<{ created: boolean }> {
  const existing = await getTenant(d, id);
  await d
    .insert(tenants)
    .values({ id, name, created_at: Date.now() })
    .onConflictDoUpdate({ target: tenants.id, set: { name } });
  return { created: !existing };
}

export async function listMembers(d: Db, tenantId: string) {
  return d
    .select({ address: members.address, role: members.role, created_at: members.created_at })
    .from(members)
    .where(eq(members.tenant_id, tenantId))
    .orderBy(members.address);
}

export async function upsertMember(d: Db, tenantId: string, address: string, role: Role): Promise<void> {
  await d
    .insert(members)
    .values({ tenant_id: tenantId, address, role, created_at: Date.now() })
    .onConflictDoUpdate({ target: [members.tenant_id, members.address], set: { role } });
}

export async function deleteMember(d: Db, tenantId: string, address: string): Promise<boolean> {
  const res = await d.delete(members).where(and(eq(members.tenant_id, tenantId), eq(members.address, address))).returning({ a: members.address });
  return res.length > 0;
}

/** The tenant's fabric settings as stored: its base URL and its sealed credential (never returned). */
export async function fabricSettings(d: Db, id: string) {
  return (
    await d
      .select({ fabric_url: tenants.fabric_url, fabric_credential: tenants.fabric_credential, fabric_credential_at: tenants.fabric_credential_at })
      .from(tenants)
      .where(eq(tenants.id, id))
      .limit(1)
  )[0];
}

export async function setFabricUrl(d: Db, id: string, url: string | null): Promise<void> {
  await d.update(tenants).set({ fabric_url: url }).where(eq(tenants.id, id));
}

/** Stores (or, with null, removes) the tenant's sealed fabric credential. */
export async function setFabricCredential(d: Db, id: string, sealed: string | null): Promise<boolean> {
  const res = await d
    .update(tenants)
    .set({ fabric_credential: sealed, fabric_credential_at: sealed === null ? null : Date.now() })
    .where(eq(tenants.id, id))
    .returning({ id: tenants.id });
  return res.length > 0;
}
