import { ApiError } from "../errors";
import { base64ToBytes, bytesToBase64 } from "./token";

/**
 * Secrets kept at rest (a tenant's fabric credential) are sealed with AES-256-GCM under a key
 * derived (HKDF-SHA-256) from the deployment secret CREDENTIALS_KEY. The owner's id is the
 * additional authenticated data, so a sealed value copied to another tenant's row does not open.
 * Format: `v1.<base64 iv>.<base64 ciphertext+tag>`.
 */
const enc = new TextEncoder();

async function keyOf(env: Env): Promise<CryptoKey> {
  if (!env.CREDENTIALS_KEY) {
    throw new ApiError(503, "NOT_CONFIGURED", "This deployment has no CREDENTIALS_KEY: credentials cannot be stored or read until an operator sets it");
  }
  const base = await crypto.subtle.importKey("raw", enc.encode(env.CREDENTIALS_KEY), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: enc.encode("edge-tagger"), info: enc.encode("credentials/v1") },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function seal(env: Env, owner: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: enc.encode(owner) }, await keyOf(env), enc.encode(secret));
  return `v1.${bytesToBase64(iv)}.${bytesToBase64(new Uint8Array(data))}`;
}

/** The secret, or null when the sealed value does not open (another key, another owner, tampered). */
export async function open(env: Env, owner: string, sealed: string): Promise<string | null> {
  const [version, iv, data] = sealed.split(".");
  if (version !== "v1" || !iv || !data) return null;
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: base64ToBytes(iv), additionalData: enc.encode(owner) }, await keyOf(env), base64ToBytes(data));
    return new TextDecoder().decode(plain);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    return null;
  }
}
