import { open } from "../../auth/secret-box";
import { db } from "../../db/client";
import { fabricSettings } from "../../db/tenants";
import { type FabricAccess, FabricError } from "./client";

/** The fabric a tenant's contents live in: its own fabric_url, else the deployment's FABRIC_URL. */
export async function fabricBaseOf(env: Env, tenantId: string): Promise<string | null> {
  const s = await fabricSettings(db(env), tenantId);
  return s?.fabric_url || env.FABRIC_URL || null;
}

/**
 * How background work (listing parts, fetching media, live segments) reads a tenant's fabric
 * content: with the tenant's own credential, unsealed for the call and never stored elsewhere.
 * No user's token is ever kept for this.
 */
export async function tenantFabricAccess(env: Env, tenantId: string): Promise<FabricAccess> {
  const s = await fabricSettings(db(env), tenantId);
  const base = s?.fabric_url || env.FABRIC_URL;
  if (!base) throw new FabricError(`Tenant ${tenantId} has no content fabric configured (PUT /tenants/${tenantId} with fabric_url, or the deployment's FABRIC_URL)`, null, false);
  if (!s?.fabric_credential) {
    throw new FabricError(`Tenant ${tenantId} has no fabric credential: a tenant admin sets one with PUT /tenants/${tenantId}/fabric-credential`, null, false);
  }
  const token = await open(env, tenantId, s.fabric_credential);
  if (token === null) throw new FabricError(`The fabric credential of tenant ${tenantId} cannot be opened with this deployment's CREDENTIALS_KEY: set it again`, null, false);
  return { base, token };
}
