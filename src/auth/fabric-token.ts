import { base58 } from "@scure/base";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { inflateSync } from "fflate";
import { DEFAULT_MAX_TOKEN_AGE_S } from "../limits";
import { addressOfPublicKey, bytesToBase64, personalMessageHash, TokenError } from "./token";

/**
 * The signed tokens Eluvio's public tools give a user (elv-client-js): a 6-character prefix, then
 * base58(65-byte signature ‖ deflate-raw(JSON)). `acspjc` (CreateFabricToken): the signature is
 * `personal_sign` over "Eluvio Content Fabric Access Token 1.0\n" + the JSON. `aessjc`
 * (CreateSignedToken, editor-signed): the signature is over keccak256 of the compressed JSON.
 * The JSON's `adr` is the signer's address (base64); `iat`/`exp` are milliseconds.
 */
export const FABRIC_TOKEN_PREFIXES = ["acspjc", "aessjc"] as const;
const FABRIC_MESSAGE_PREFIX = "Eluvio Content Fabric Access Token 1.0\n";
/** A token's JSON, once inflated, is small: a bomb is refused. */
const MAX_FABRIC_PAYLOAD_BYTES = 16 * 1024;

export interface FabricTokenPayload {
  adr: string;
  sub?: string;
  spc?: string;
  iat?: number;
  exp?: number;
  qid?: string;
  lib?: string;
  gra?: string;
}

export const isFabricToken = (token: string) => FABRIC_TOKEN_PREFIXES.some((p) => token.startsWith(p));

function inflate(compressed: Uint8Array): Uint8Array {
  let out: Uint8Array;
  try {
    out = inflateSync(compressed, { out: new Uint8Array(MAX_FABRIC_PAYLOAD_BYTES) });
  } catch {
    throw new TokenError("Fabric token payload is not deflate data (or is too large)");
  }
  if (out.length > MAX_FABRIC_PAYLOAD_BYTES) throw new TokenError("Fabric token payload is too large");
  return out;
}

function recover(signature: Uint8Array, digest: Uint8Array): string {
  const v = signature[64]!;
  const recovery = v >= 27 ? v - 27 : v;
  if (recovery !== 0 && recovery !== 1) throw new TokenError("Fabric token signature has a bad recovery byte");
  try {
    const sig = secp256k1.Signature.fromBytes(signature.slice(0, 64), "compact").addRecoveryBit(recovery);
    return addressOfPublicKey(sig.recoverPublicKey(digest).toBytes(false));
  } catch {
    throw new TokenError("Fabric token signature is invalid");
  }
}

/** Verifies a fabric token locally (signature recovery) and returns the signer's address (lower case). */
export function verifyFabricToken(token: string, nowMs = Date.now(), maxAgeS = DEFAULT_MAX_TOKEN_AGE_S): { address: string; payload: FabricTokenPayload } {
  const prefix = token.slice(0, 6);
  let body: Uint8Array;
  try {
    body = base58.decode(token.slice(6));
  } catch {
    throw new TokenError("Fabric token is not base58");
  }
  if (body.length <= 65) throw new TokenError("Fabric token is too short");
  const signature = body.slice(0, 65);
  const compressed = body.slice(65);
  const json = inflate(compressed);
  const text = new TextDecoder().decode(json);
  let payload: FabricTokenPayload;
  try {
    payload = JSON.parse(text) as FabricTokenPayload;
  } catch {
    throw new TokenError("Fabric token payload is not JSON");
  }
  if (typeof payload !== "object" || payload === null || typeof payload.adr !== "string") throw new TokenError("Fabric token has no adr");
  const digest = prefix === "acspjc" ? personalMessageHash(new TextEncoder().encode(`${FABRIC_MESSAGE_PREFIX}${text}`)) : keccak_256(compressed);
  const signer = recover(signature, digest);
  let claimed: string;
  try {
    claimed = `0x${[...atob(payload.adr)].map((c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("")}`;
  } catch {
    throw new TokenError("Fabric token adr is not base64");
  }
  if (claimed !== signer) throw new TokenError("Fabric token signature does not match adr");
  if (typeof payload.exp === "number" && payload.exp <= nowMs) throw new TokenError("Token has expired");
  if (typeof payload.exp !== "number" && typeof payload.iat !== "number") throw new TokenError("Fabric token has neither exp nor iat");
  if (typeof payload.iat === "number" && nowMs - payload.iat > maxAgeS * 1000) throw new TokenError(`Token was issued more than ${maxAgeS} s ago`);
  if (typeof payload.exp === "number" && payload.exp - nowMs > maxAgeS * 1000) throw new TokenError(`Token expires more than ${maxAgeS} s from now`);
  return { address: signer, payload };
}

/** Base64 of an address's 20 bytes, as a fabric token's `adr` holds it. */
export function addressToAdr(address: string): string {
  const hex = address.replace(/^0x/, "");
  return bytesToBase64(Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16))));
}
