import { base58 } from "@scure/base";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { deflateSync } from "fflate";
import { addressToAdr } from "../../src/auth/fabric-token";
import { addressOfSecretKey, personalMessageHash } from "../../src/auth/token";

/*
 * Test vectors made the way Eluvio's public client builds a user's tokens (elv-client-js:
 * CreateFabricToken → "acspjc", CreateSignedToken → "aessjc"): a signature over the token,
 * then base58(signature ‖ deflate-raw(JSON)). A known private key, so the signer is known.
 */
export const FABRIC_TEST_KEY = secp256k1.utils.randomSecretKey(new Uint8Array(48).fill(7));
export const FABRIC_TEST_ADDRESS = addressOfSecretKey(FABRIC_TEST_KEY);

/** r‖s‖v (v = 27 + recovery), as Ethereum signers answer. */
function sign(digest: Uint8Array, key: Uint8Array): Uint8Array {
  const rec = secp256k1.sign(digest, key, { prehash: false, format: "recovered" });
  const out = new Uint8Array(65);
  out.set(rec.slice(1), 0);
  out[64] = 27 + rec[0]!;
  return out;
}

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

export function fabricToken(opts: { key?: Uint8Array; iat?: number; exp?: number; adr?: string; kind?: "acspjc" | "aessjc" } = {}): string {
  const key = opts.key ?? FABRIC_TEST_KEY;
  const now = Date.now();
  const address = addressOfSecretKey(key);
  const token = {
    ...(opts.kind === "aessjc" ? {} : { sub: `iusr${address.slice(2, 10)}` }),
    adr: opts.adr ?? addressToAdr(address),
    spc: "ispc3ANoVSzNA3P6t7abLR69ho5YPPZU",
    iat: opts.iat ?? now,
    exp: opts.exp ?? now + 3_600_000,
    ...(opts.kind === "aessjc" ? { gra: "read" } : {}),
    ctx: {},
  };
  const json = new TextEncoder().encode(JSON.stringify(token));
  const compressed = deflateSync(json);
  if (opts.kind === "aessjc") return `aessjc${base58.encode(concat(sign(keccak_256(compressed), key), compressed))}`;
  const message = new TextEncoder().encode(`Eluvio Content Fabric Access Token 1.0\n${JSON.stringify(token)}`);
  return `acspjc${base58.encode(concat(sign(personalMessageHash(message), key), compressed))}`;
}
