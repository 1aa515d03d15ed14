import { and, eq } from "drizzle-orm";
import type { Db } from "./client";
import { gatewayJobs, type GatewayJobRow } from "./schema";

export type { GatewayJobRow };

export async function insertGatewayJob(d: Db, row: GatewayJobRow): Promise<void> {
  await d.insert(gatewayJobs).values(row);
}

/** A gateway job of one of the given tenants (another tenant's job is as absent as an unknown one). */
export async function gatewayJobOf(d: Db, id: string, type: GatewayJobRow["type"]): Promise<GatewayJobRow | undefined> {
  return (await d.select().from(gatewayJobs).where(and(eq(gatewayJobs.id, id), eq(gatewayJobs.type, type))).limit(1))[0];
}

export async function gatewayJobById(d: Db, id: string): Promise<GatewayJobRow | undefined> {
  return (await d.select().from(gatewayJobs).where(eq(gatewayJobs.id, id)).limit(1))[0];
}

export async function deleteGatewayJob(d: Db, id: string): Promise<void> {
  await d.delete(gatewayJobs).where(eq(gatewayJobs.id, id));
}
