import { describe, expect, it } from "vitest";
import { addressOfSecretKey, bytesToBase64, readUnsignedToken, signToken, verifySignedToken } from "../../src/auth/token";

const key = new Uint8Array(32).fill(7);
const other = new Uint8Array(32).fill(9);
const addr = addressOfSecretKey(key);

describe("signed tokens", () => {
  it("accepts a personal_sign signature by addr and returns the address", () => {
    const token = signToken({ qspace_id: "ispc", qlib_id: "ilib", addr, tx_id: "", iat: Math.floor(Date.now() / 1000) }, key);
    expect(verifySignedToken(token).address).toBe(addr);
    // Case of addr does not matter.
    expect(verifySignedToken(signToken({ addr: addr.toUpperCase().replace("0X", "0x"), iat: Math.floor(Date.now() / 1000) }, key)).address).toBe(addr);
  });

  it("matches a known Ethereum vector (secret key 1 → 0x7e5f…bdf)", () => {
    const one = new Uint8Array(32);
    one[31] = 1;
    expect(addressOfSecretKey(one)).toBe("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
  });

  it("rejects a token signed by someone else", () => {
    expect(() => verifySignedToken(signToken({ addr }, other))).toThrow("does not match addr");
  });

  it("rejects an expired token and accepts one that has not expired", () => {
    expect(() => verifySignedToken(signToken({ addr, exp: 1000 }, key), 2000)).toThrow("expired");
    expect(verifySignedToken(signToken({ addr, exp: 3000 }, key), 2000).address).toBe(addr);
  });

  it("honours the maximum token age: no token lives forever", () => {
    expect(() => verifySignedToken(signToken({ addr }, key), 2000)).toThrow("neither exp nor iat");
    expect(() => verifySignedToken(signToken({ addr, iat: 1000 }, key), 1000 + 3601, 3600)).toThrow("issued more than 3600 s ago");
    expect(verifySignedToken(signToken({ addr, iat: 1000 }, key), 1000 + 3599, 3600).address).toBe(addr);
    expect(() => verifySignedToken(signToken({ addr, exp: 1000 + 7200 }, key), 1000, 3600)).toThrow("more than 3600 s from now");
    // Millisecond timestamps, as some tools write them, are read as such.
    expect(verifySignedToken(signToken({ addr, iat: 1_000_000 * 1000 }, key), 1_000_100, 3600).address).toBe(addr);
  });

  it("rejects malformed tokens", () => {
    const good = signToken({ addr }, key);
    const [payload, sig] = good.split(".") as [string, string];
    expect(() => verifySignedToken("nodot")).toThrow("PAYLOAD.SIGNATURE");
    expect(() => verifySignedToken(`${payload}.`)).toThrow("65 bytes");
    expect(() => verifySignedToken(`${bytesToBase64(new TextEncoder().encode("{not json"))}.${sig}`)).toThrow("not JSON");
    expect(() => verifySignedToken(`${bytesToBase64(new TextEncoder().encode('{"addr":"bob"}'))}.${sig}`)).toThrow("not an address");
    expect(() => verifySignedToken(`%%%.${sig}`)).toThrow("base64");
    // A tampered payload no longer matches its signature.
    const tampered = bytesToBase64(new TextEncoder().encode(JSON.stringify({ addr, tx_id: "x" })));
    expect(() => verifySignedToken(`${tampered}.${sig}`)).toThrow(/does not match|invalid/);
  });

  it("development tokens need no signature but still honour exp", () => {
    const unsigned = `${bytesToBase64(new TextEncoder().encode(JSON.stringify({ addr })))}.`;
    expect(readUnsignedToken(unsigned).address).toBe(addr);
    expect(() => readUnsignedToken(`${bytesToBase64(new TextEncoder().encode(JSON.stringify({ addr, exp: 1 })))}.`, 10)).toThrow("expired");
  });
});
