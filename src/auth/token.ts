import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { DEFAULT_MAX_TOKEN_AGE_S } from "../limits";

/** The token's JSON payload (the seed's fields, plus optional `exp`/`iat` in epoch seconds). */
export interface TokenPayload {
  qspace_id?: string;
  qlib_id?: string;
  addr: string;
  tx_id?: string;
  exp?: number;
  iat?: number;
}

export class TokenError extends Error {}

export function base64ToBytes(b64: string): Uint8Array {
  const norm = b64.replace(/-/g, "+").replace(/_/g, "/");
  const padded = norm + "=".repeat((4 - (norm.length % 4)) % 4);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(padded)) throw new TokenError("Token is not base64");
  const bin = atob(padded);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** keccak256("\x19Ethereum Signed Message:\n" + len + message): what `personal_sign` signs. */
export function personalMessageHash(message: Uint8Array): Uint8Array {
  const prefix = utf8ToBytes(`\x19Ethereum Signed Message:\n${message.length}`);
  const buf = new Uint8Array(prefix.length + message.length);
  buf.set(prefix);
  buf.set(message, prefix.length);
  return keccak_256(buf);
}

/** Ethereum address (lower-case 0x hex) of an uncompressed public key. */
export function addressOfPublicKey(uncompressed: Uint8Array): string {
  return `0x${bytesToHex(keccak_256(uncompressed.slice(1)).slice(-20))}`;
}

function decodePayload(part: string): { text: string; bytes: Uint8Array; payload: TokenPayload } {
  const bytes = base64ToBytes(part);
  const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new TokenError("Token payload is not JSON");
  }
  if (typeof payload !== "object" || payload === null || typeof (payload as TokenPayload).addr !== "string") {
    throw new TokenError("Token payload has no addr");
  }
  const p = payload as TokenPayload;
  if (!/^0x[0-9a-fA-F]{40}$/.test(p.addr)) throw new TokenError("Token addr is not an address");
  if (p.exp !== undefined && typeof p.exp !== "number") throw new TokenError("Token exp is not a number");
  return { text, bytes, payload: p };
}

function checkExpiry(p: TokenPayload, nowSeconds: number): void {
  if (p.exp !== undefined && p.exp <= nowSeconds) throw new TokenError("Token has expired");
}

/** Epoch seconds; values past the year 33658 in seconds are taken as milliseconds (some tools write those). */
const asSeconds = (t: number) => (t > 1e12 ? t / 1000 : t);

/**
 * A signed token says when it was issued (`iat`) or when it ends (`exp`), and neither lies more
 * than `maxAgeS` away: a token that never expires would be a password that can never be changed.
 */
function checkAge(p: TokenPayload, nowSeconds: number, maxAgeS: number): void {
  if (p.iat !== undefined && typeof p.iat !== "number") throw new TokenError("Token iat is not a number");
  if (p.exp === undefined && p.iat === undefined) throw new TokenError("Token has neither exp nor iat: say when it was issued or when it expires");
  if (p.iat !== undefined && nowSeconds - asSeconds(p.iat) > maxAgeS) throw new TokenError(`Token was issued more than ${maxAgeS} s ago`);
  if (p.exp !== undefined && asSeconds(p.exp) - nowSeconds > maxAgeS) throw new TokenError(`Token expires more than ${maxAgeS} s from now`);
}

/**
 * Verifies a `PAYLOAD.SIGNATURE` token and returns the caller's address (lower case).
 * The signature is a 65-byte r‖s‖v secp256k1 signature over the decoded payload text
 * made with `personal_sign`; the recovered signer must equal `addr`.
 */
export function verifySignedToken(token: string, nowSeconds = Date.now() / 1000, maxAgeS = DEFAULT_MAX_TOKEN_AGE_S): { address: string; payload: TokenPayload } {
  const dot = token.indexOf(".");
  if (dot <= 0) throw new TokenError("Token must be PAYLOAD.SIGNATURE");
  const { bytes, payload } = decodePayload(token.slice(0, dot));
  const sig = base64ToBytes(token.slice(dot + 1));
  if (sig.length !== 65) throw new TokenError("Token signature must be 65 bytes");
  const v = sig[64]!;
  const recovery = v >= 27 ? v - 27 : v;
  if (recovery !== 0 && recovery !== 1) throw new TokenError("Token signature has a bad recovery byte");
  let signer: string;
  try {
    const signature = secp256k1.Signature.fromBytes(sig.slice(0, 64), "compact").addRecoveryBit(recovery);
    signer = addressOfPublicKey(signature.recoverPublicKey(personalMessageHash(bytes)).toBytes(false));
  } catch {
    throw new TokenError("Token signature is invalid");
  }
  if (signer !== payload.addr.toLowerCase()) throw new TokenError("Token signature does not match addr");
  checkExpiry(payload, nowSeconds);
  checkAge(payload, nowSeconds, maxAgeS);
  return { address: signer, payload };
}

/** Development mode: `PAYLOAD.` (or a signed token, whose signature is not checked). */
export function readUnsignedToken(token: string, nowSeconds = Date.now() / 1000): { address: string; payload: TokenPayload } {
  const dot = token.indexOf(".");
  const { payload } = decodePayload(dot < 0 ? token : token.slice(0, dot));
  checkExpiry(payload, nowSeconds);
  return { address: payload.addr.toLowerCase(), payload };
}

/** Makes a signed token (tests, scripts and the dashboard's dev helpers use it). */
export function signToken(payload: TokenPayload, secretKey: Uint8Array): string {
  const text = JSON.stringify(payload);
  const bytes = utf8ToBytes(text);
  const rec = secp256k1.sign(personalMessageHash(bytes), secretKey, { prehash: false, format: "recovered" });
  // noble's "recovered" format is recovery‖r‖s; Ethereum's is r‖s‖v with v = 27 + recovery.
  const eth = new Uint8Array(65);
  eth.set(rec.slice(1), 0);
  eth[64] = 27 + rec[0]!;
  return `${bytesToBase64(bytes)}.${bytesToBase64(eth)}`;
}

export function addressOfSecretKey(secretKey: Uint8Array): string {
  return addressOfPublicKey(secp256k1.getPublicKey(secretKey, false));
}
