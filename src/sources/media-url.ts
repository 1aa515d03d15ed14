import { base64ToBytes, bytesToBase64 } from "../auth/token";

/**
 * HMAC-signed, expiring URLs through which providers read media from R2 (the R2 binding
 * cannot mint presigned URLs). The token names the object key and the expiry.
 */
const enc = new TextEncoder();

const b64url = (b: Uint8Array) => bytesToBase64(b).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function hmac(secret: string | undefined, data: string): Promise<Uint8Array> {
  // A deployment without the secret must say so, not fail inside WebCrypto.
  if (!secret) throw new Error("URL_SIGNING_KEY is not set: media URLs for providers cannot be signed (set the secret; locally, .dev.vars)");
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(data)));
}

export async function signMediaUrl(env: Env, key: string, ttlSeconds = 3600): Promise<string> {
  const payload = b64url(enc.encode(JSON.stringify({ k: key, e: Math.floor(Date.now() / 1000) + ttlSeconds })));
  const sig = b64url(await hmac(env.URL_SIGNING_KEY, payload));
  return `${env.PUBLIC_BASE_URL.replace(/\/$/, "")}/media/${payload}.${sig}`;
}

/** The R2 key a media token grants, or null if the token is forged, malformed or expired. */
export async function verifyMediaToken(env: Env, token: string): Promise<string | null> {
  const dot = token.indexOf(".");
  if (dot <= 0 || !env.URL_SIGNING_KEY) return null;
  const payload = token.slice(0, dot);
  const expected = b64url(await hmac(env.URL_SIGNING_KEY, payload));
  const given = token.slice(dot + 1);
  if (expected.length !== given.length) return null;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ given.charCodeAt(i);
  if (diff !== 0) return null;
  try {
    const { k, e } = JSON.parse(new TextDecoder().decode(base64ToBytes(payload))) as { k: unknown; e: unknown };
    if (typeof k !== "string" || typeof e !== "number" || e < Date.now() / 1000) return null;
    return k;
  } catch {
    return null;
  }
}
