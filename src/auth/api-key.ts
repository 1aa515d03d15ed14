import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, randomBytes } from "@noble/hashes/utils.js";
import { base64ToBytes } from "./token";

/** Principal addresses of API keys: never a 0x address, so they cannot collide with a signer. */
export const apiKeyAddress = (id: string) => `apikey:${id}`;

export function hashSecret(secret: string): string {
  return bytesToHex(sha256(new TextEncoder().encode(secret)));
}

/** A new key: the id is public (the Basic user name), the secret is shown once. */
export function newApiKey(): { id: string; secret: string; secret_hash: string } {
  const id = `ak_${bytesToHex(randomBytes(8))}`;
  const secret = bytesToHex(randomBytes(32));
  return { id, secret, secret_hash: hashSecret(secret) };
}

export class BasicAuthError extends Error {}

/** `Basic base64(id:secret)`. */
export function parseBasic(value: string): { id: string; secret: string } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(base64ToBytes(value.trim()));
  } catch {
    throw new BasicAuthError("Basic credentials are not base64");
  }
  const colon = text.indexOf(":");
  if (colon <= 0 || colon === text.length - 1) throw new BasicAuthError("Basic credentials must be KEY_ID:SECRET");
  return { id: text.slice(0, colon), secret: text.slice(colon + 1) };
}

/** Constant-time equality of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
