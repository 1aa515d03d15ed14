import { base64ToBytes, bytesToBase64 } from "./token";

/**
 * HMAC-signed, expiring tokens for URLs this service hands out (media for providers, result
 * callbacks). The purpose is part of what is signed, so a token minted for one use is worthless
 * for another.
 */
export type TokenPurpose = "media" | "callback" | "gateway-file";

const enc = new TextEncoder();
const b64url = (b: Uint8Array) => bytesToBase64(b).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/**
 * The imported key, per secret: every part signs two URLs, and importing the key each time cost
 * more than signing. A CryptoKey is plain data, so the isolate's requests may share it (the key
 * is kept, never a pending promise: the runtime ties those to the request that made them).
 */
const keys = new Map<string, CryptoKey>();

async function hmac(secret: string | undefined, data: string): Promise<Uint8Array> {
  // A deployment without the secret must say so, not fail inside WebCrypto.
  if (!secret) throw new Error("URL_SIGNING_KEY is not set: URLs for providers cannot be signed (set the secret; locally, .dev.vars)");
  let key = keys.get(secret);
  if (!key) {
    key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    // A rotated secret replaces the old one; the map never holds more than a few.
    if (keys.size >= 4) keys.clear();
    keys.set(secret, key);
  }
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(data)));
}

/** `PAYLOAD.SIG`: the body with its expiry `e` (seconds since the epoch), then the signature. */
export async function signPayload(env: Env, purpose: TokenPurpose, body: Record<string, unknown>, ttlSeconds: number): Promise<string> {
  const payload = b64url(enc.encode(JSON.stringify({ ...body, e: Math.floor(Date.now() / 1000) + ttlSeconds })));
  return `${payload}.${b64url(await hmac(env.URL_SIGNING_KEY, `${purpose}.${payload}`))}`;
}

export type Verified<T> = { ok: true; body: T } | { ok: false; reason: "invalid" | "expired" };

/** The signed body, or why not: forged, malformed or signed for another purpose (invalid), or expired. */
export async function verifyPayload<T extends Record<string, unknown>>(env: Env, purpose: TokenPurpose, token: string): Promise<Verified<T>> {
  const dot = token.indexOf(".");
  if (dot <= 0 || !env.URL_SIGNING_KEY) return { ok: false, reason: "invalid" };
  const payload = token.slice(0, dot);
  const expected = b64url(await hmac(env.URL_SIGNING_KEY, `${purpose}.${payload}`));
  const given = token.slice(dot + 1);
  if (expected.length !== given.length) return { ok: false, reason: "invalid" };
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ given.charCodeAt(i);
  if (diff !== 0) return { ok: false, reason: "invalid" };
  let body: T & { e?: unknown };
  try {
    body = JSON.parse(new TextDecoder().decode(base64ToBytes(payload))) as T & { e?: unknown };
  } catch {
    return { ok: false, reason: "invalid" };
  }
  if (typeof body !== "object" || body === null || typeof body.e !== "number") return { ok: false, reason: "invalid" };
  if (body.e < Date.now() / 1000) return { ok: false, reason: "expired" };
  return { ok: true, body };
}
