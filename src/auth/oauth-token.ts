import { jwtVerify, SignJWT } from "jose";
import { TokenError } from "./token";

/**
 * OAuth2 client-credentials access tokens (the AI Gateway's scheme): a JWT (HS256, made and
 * checked with `jose`) naming the API key it was issued to. The key is looked up again on every
 * use, so revoking it ends its tokens too. The signing key is derived (HKDF) from URL_SIGNING_KEY
 * for this purpose alone.
 */
export const OAUTH_ISSUER = "edge-tagger";
export const OAUTH_AUDIENCE = "edge-tagger-api";
export const ACCESS_TOKEN_TTL_S = 3600;

async function signingKey(env: Env): Promise<Uint8Array> {
  if (!env.URL_SIGNING_KEY) throw new TokenError("This deployment has no URL_SIGNING_KEY: access tokens cannot be made or checked");
  const enc = new TextEncoder();
  const base = await crypto.subtle.importKey("raw", enc.encode(env.URL_SIGNING_KEY), "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: enc.encode("edge-tagger"), info: enc.encode("oauth-access-token/v1") }, base, 256));
}

/** A compact JWS with a JSON header: what a JWT bearer token looks like (the seed's own tokens have two parts). */
export const looksLikeJwt = (token: string) => /^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/.test(token);

export async function issueAccessToken(env: Env, keyId: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(OAUTH_ISSUER)
    .setAudience(OAUTH_AUDIENCE)
    .setSubject(keyId)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_TTL_S}s`)
    .sign(await signingKey(env));
}

/** The API key id an access token was issued to; TokenError when forged, expired or not ours. */
export async function verifyAccessToken(env: Env, token: string): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, await signingKey(env), { issuer: OAUTH_ISSUER, audience: OAUTH_AUDIENCE, algorithms: ["HS256"] });
    if (typeof payload.sub !== "string" || !payload.sub) throw new TokenError("the access token names no client");
    return payload.sub;
  } catch (e) {
    if (e instanceof TokenError) throw e;
    const code = (e as { code?: string }).code;
    throw new TokenError(code === "ERR_JWT_EXPIRED" ? "the access token has expired" : "the access token is not valid here");
  }
}
