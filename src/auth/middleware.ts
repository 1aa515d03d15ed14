import type { Context } from "hono";
import { activeApiKey } from "../db/api-keys";
import { db } from "../db/client";
import { rolesOf, upsertMember, upsertTenant } from "../db/tenants";
import { unauthorized } from "../errors";
import { DEFAULT_MAX_TOKEN_AGE_S } from "../limits";
import { apiKeyAddress, BasicAuthError, hashSecret, parseBasic, sameDigest } from "./api-key";
import { DEV_ADDRESS, DEV_TENANT, type Identity, type Principal } from "./principal";
import { isFabricToken, verifyFabricToken } from "./fabric-token";
import { readUnsignedToken, TokenError, verifySignedToken } from "./token";
import { looksLikeJwt, verifyAccessToken } from "./oauth-token";

/** `Authorization: Bearer X` or `?authorization=X`. */
export function tokenOf(authHeader: string | undefined, queryToken: string | undefined): { scheme: string; value: string; inQuery: boolean } | null {
  if (authHeader) {
    const m = /^(\w+)\s+(.+)$/.exec(authHeader.trim());
    if (!m) throw unauthorized("Authorization header must be 'Bearer TOKEN'");
    return { scheme: m[1]!.toLowerCase(), value: m[2]!, inQuery: false };
  }
  if (queryToken) return { scheme: "bearer", value: queryToken, inQuery: true };
  return null;
}

/** The deployment's limit on signed tokens' age (MAX_TOKEN_AGE_S), or the default. */
function maxTokenAge(env: Env): number {
  const n = Number(env.MAX_TOKEN_AGE_S);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX_TOKEN_AGE_S;
}

/** Constant-time comparison, so the admin token cannot be guessed byte by byte from timings. */
function sameSecret(a: string, b: string): boolean {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  let diff = ea.length ^ eb.length;
  for (let i = 0; i < Math.max(ea.length, eb.length); i++) diff |= (ea[i] ?? 0) ^ (eb[i] ?? 0);
  return diff === 0;
}

/** `Basic base64(KEY_ID:SECRET)`: an API key, checked against its stored hash on every request. */
async function apiKeyIdentity(env: Env, value: string): Promise<Identity> {
  let creds: { id: string; secret: string };
  try {
    creds = parseBasic(value);
  } catch (e) {
    throw unauthorized(e instanceof BasicAuthError ? e.message : "Invalid Basic credentials");
  }
  const key = await activeApiKey(db(env), creds.id);
  if (!key || !sameDigest(hashSecret(creds.secret), key.secret_hash)) throw unauthorized("Unknown or revoked API key, or wrong secret");
  return { kind: "user", address: apiKeyAddress(key.id), keyRoles: new Map([[key.tenant_id, key.role]]) };
}

/** An OAuth2 access token (POST /oauth/token): its API key, which must still be active. */
async function accessTokenIdentity(env: Env, token: string, inQuery: boolean): Promise<Identity> {
  if (inQuery) throw unauthorized("Access tokens are accepted only in the Authorization header");
  let keyId: string;
  try {
    keyId = await verifyAccessToken(env, token);
  } catch (e) {
    throw unauthorized(`Invalid token: ${e instanceof TokenError ? e.message : "not valid here"}`);
  }
  const key = await activeApiKey(db(env), keyId);
  if (!key) throw unauthorized("Invalid token: its API key was revoked");
  return { kind: "user", address: apiKeyAddress(key.id), keyRoles: new Map([[key.tenant_id, key.role]]) };
}

/** Reads the caller's roles; the development user is made admin of tenant `dev` on first use. */
async function loadRoles(env: Env, identity: Identity): Promise<Principal> {
  if (identity.kind === "system") return { ...identity, roles: new Map() };
  if (identity.keyRoles) return { ...identity, roles: identity.keyRoles };
  const d = db(env);
  let roles = await rolesOf(d, identity.address);
  if (env.AUTH_MODE === "dev" && identity.address === DEV_ADDRESS && !roles.has(DEV_TENANT)) {
    // So that curl works out of the box in local development.
    await upsertTenant(d, DEV_TENANT, "Development");
    await upsertMember(d, DEV_TENANT, DEV_ADDRESS, "admin");
    roles = await rolesOf(d, identity.address);
  }
  return { ...identity, roles };
}

/** What authentication puts on a request (src/app-env.ts adds the rest of the app's variables). */
export interface AuthVariables {
  /** Who the verified token says is calling. */
  identity: Identity;
  /** Their tenant roles, read from D1 once per request and only by handlers that need them. */
  loadPrincipal: () => Promise<Principal>;
}

/**
 * Verifies the caller's token (from the Authorization header or `?authorization=`); app.ts calls
 * it on every request a token protects. Their roles are read when a handler asks.
 */
export async function authenticate(env: Env, header: string | undefined, query: string | undefined): Promise<AuthVariables> {
  const dev = env.AUTH_MODE === "dev";
  const token = tokenOf(header, query);
  let identity: Identity;
  if (token?.scheme === "bearer" && env.ADMIN_TOKEN && sameSecret(token.value, env.ADMIN_TOKEN)) {
    // Query strings end up in logs and browser history: the one unscoped secret never travels there.
    if (token.inQuery) throw unauthorized("The admin token is accepted only in the Authorization header");
    identity = { kind: "system", address: "system" };
  } else if (!token) {
    if (!dev) throw unauthorized("Missing authorization token (Authorization: Bearer TOKEN or ?authorization=TOKEN)");
    identity = { kind: "user", address: DEV_ADDRESS };
  } else if (token.scheme === "basic") {
    identity = await apiKeyIdentity(env, token.value);
  } else if (token.scheme !== "bearer") {
    throw unauthorized(`Unsupported authorization scheme '${token.scheme}' (use Bearer or Basic)`);
  } else if (looksLikeJwt(token.value)) {
    identity = await accessTokenIdentity(env, token.value, token.inQuery);
  } else {
    try {
      // Eluvio's own token forms (elv-client-js) are verified in every mode: they are always signed.
      const verified = isFabricToken(token.value)
        ? verifyFabricToken(token.value, Date.now(), maxTokenAge(env))
        : dev
          ? readUnsignedToken(token.value)
          : verifySignedToken(token.value, Date.now() / 1000, maxTokenAge(env));
      identity = { kind: "user", address: verified.address, bearer: token.value };
    } catch (e) {
      if (e instanceof TokenError) throw unauthorized(`Invalid token: ${e.message}`);
      throw unauthorized("Invalid token");
    }
  }
  let loaded: Promise<Principal> | undefined;
  return { identity, loadPrincipal: () => (loaded ??= loadRoles(env, identity)) };
}

/** The caller with their roles (one D1 read per request, shared by every caller of this). */
// `any` path and input: any route's context will do, only its variables are read.
export function principalOf<E extends { Variables: AuthVariables }>(c: Context<E, any, any>): Promise<Principal> {
  return c.get("loadPrincipal")();
}
