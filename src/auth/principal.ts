import { badRequest, forbidden } from "../errors";
import type { Role } from "../db/tenants";

/** Who is calling, as the verified token says: a user (by address) or the system administrator. */
export interface Identity {
  kind: "user" | "system";
  address: string;
  /** An API key's one tenant and role; users' roles come from their memberships. */
  keyRoles?: Map<string, Role>;
  /**
   * The user's own bearer token, for this request only: a start on fabric content asks the fabric
   * whether it lets this user read the content. Never stored (jobs run on the tenant's credential).
   */
  bearer?: string;
}

/** The caller with their tenant roles. */
export interface Principal extends Identity {
  roles: Map<string, Role>;
}

export const DEV_TENANT = "dev";
export const DEV_ADDRESS = "0xde70000000000000000000000000000000000001";

export const isSystem = (p: Identity) => p.kind === "system";
export const isMember = (p: Principal, tenant: string) => isSystem(p) || p.roles.has(tenant);
export const isTenantAdmin = (p: Principal, tenant: string) => isSystem(p) || p.roles.get(tenant) === "admin";

export function requireSystem(p: Identity): void {
  if (!isSystem(p)) throw forbidden("This operation needs the system administrator token");
}

export function requireTenantAdmin(p: Principal, tenant: string): void {
  if (!isTenantAdmin(p, tenant)) throw forbidden(`You are not an admin of tenant ${tenant}`);
}

export function requireMember(p: Principal, tenant: string, what: string): void {
  if (!isMember(p, tenant)) throw forbidden(`You do not have access to ${what}`);
}

/** The tenant a new content belongs to: the one named (which the caller must be in), else the caller's only one. */
export function chooseTenant(p: Principal, requested: string | undefined, field = "tenant"): string {
  if (requested) {
    if (!isMember(p, requested)) throw forbidden(`You are not a member of tenant ${requested}`);
    return requested;
  }
  const mine = [...p.roles.keys()];
  if (mine.length === 1) return mine[0]!;
  if (mine.length === 0) throw forbidden(isSystem(p) ? "Name the tenant the content belongs to" : "You are not a member of any tenant");
  throw badRequest(`You belong to several tenants (${mine.join(", ")}): name one in '${field}'`);
}
