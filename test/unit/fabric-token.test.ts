import { describe, expect, it } from "vitest";
import { base58 } from "@scure/base";
import { isFabricToken, verifyFabricToken } from "../../src/auth/fabric-token";
import { FABRIC_TEST_ADDRESS, fabricToken } from "../support/fabric-tokens";

describe("Eluvio fabric tokens (elv-client-js forms), verified by signature recovery", () => {
  it("accepts a CreateFabricToken (acspjc) and a CreateSignedToken (aessjc) token: the signer is the caller", () => {
    for (const kind of ["acspjc", "aessjc"] as const) {
      const token = fabricToken({ kind });
      expect(isFabricToken(token)).toBe(true);
      expect(verifyFabricToken(token).address).toBe(FABRIC_TEST_ADDRESS);
    }
  });

  it("refuses an expired token, one whose adr is not its signer, a tampered one, and garbage", () => {
    expect(() => verifyFabricToken(fabricToken({ exp: Date.now() - 1000, iat: Date.now() - 10_000 }))).toThrow(/expired/);
    expect(() => verifyFabricToken(fabricToken({ adr: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=" }))).toThrow(/does not match adr/);
    const token = fabricToken();
    const body = base58.decode(token.slice(6));
    body[10] = body[10]! ^ 0xff; // a bit of the signature
    expect(() => verifyFabricToken(`acspjc${base58.encode(body)}`)).toThrow(/signature/);
    expect(() => verifyFabricToken("acspjc0OIl")).toThrow(/base58/);
    expect(() => verifyFabricToken(`acspjc${base58.encode(new Uint8Array(80))}`)).toThrow(/deflate|JSON|adr/);
    // A token that lives too long is a password that never changes.
    expect(() => verifyFabricToken(fabricToken({ exp: Date.now() + 30 * 24 * 3_600_000 }), Date.now(), 7 * 24 * 3600)).toThrow(/expires more than/);
  });
});
