import { beforeAll, describe, expect, it } from "vitest";
import { addressOfSecretKey, bytesToBase64, signToken } from "../../src/auth/token";
import { ADMIN, call, devToken, expectError, json, registerHls, registerModel, startJob, waitFor, type ApiBody } from "../worker/helpers";
import { FABRIC_TEST_ADDRESS, fabricToken } from "../support/fabric-tokens";

/** AUTH_MODE=signed, as in production: secp256k1 personal_sign tokens, verified on every request. */
const aliceKey = new Uint8Array(32).fill(11);
const malloryKey = new Uint8Array(32).fill(12);
const ALICE = addressOfSecretKey(aliceKey);
const alice = signToken({ qspace_id: "ispc", qlib_id: "ilib", addr: ALICE, tx_id: "", iat: Math.floor(Date.now() / 1000) }, aliceKey);

describe("signed tokens end to end", () => {
  beforeAll(async () => {
    await json(await call("PUT", "/tenants/acme", { token: ADMIN, body: { name: "Acme" } }), 201);
    await json(await call("PUT", `/tenants/acme/members/${ALICE}`, { token: ADMIN, body: { role: "member" } }), 200);
    await registerModel("signedm");
  });

  it("lets a member with a valid signature register, tag and read", async () => {
    await registerHls("sig1", 2, { token: alice, tenant: "acme" });
    const started = await startJob("sig1", { jobs: [{ model: "signedm" }] }, alice);
    expect(started.jobs[0]?.started).toBe(true);
    const done = await waitFor("sig1", started.jobs[0]!.job_id, ["succeeded"], 20_000, alice);
    expect(done.user).toBe(ALICE);
    expect(done.tenant).toBe("acme");
    const tags = await json<ApiBody>(await call("GET", "/sig1/tags?track=signedm", { token: alice }), 200);
    expect(tags.meta.total).toBe(2);
  });

  it("accepts the tokens Eluvio's own tools sign for a user (acspjc, aessjc): the signer is the caller; expired is 401", async () => {
    await json(await call("PUT", `/tenants/acme/members/${FABRIC_TEST_ADDRESS}`, { token: ADMIN, body: { role: "member" } }), 200);
    for (const kind of ["acspjc", "aessjc"] as const) {
      const token = fabricToken({ kind });
      await registerHls(`fab-${kind}`, 1, { token, tenant: "acme" });
      const content = await json<ApiBody>(await call("GET", `/contents/fab-${kind}`, { token }), 200);
      expect(content.created_by).toBe(FABRIC_TEST_ADDRESS);
    }
    await expectError(await call("GET", "/contents", { token: fabricToken({ exp: Date.now() - 1000, iat: Date.now() - 60_000 }) }), 401, /.+/, /expired/);
    await expectError(await call("GET", "/contents", { token: fabricToken({ adr: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=" }) }), 401, /.+/, /does not match adr/);
  });

  it("takes the token from ?authorization= as well as the header", async () => {
    const res = await call("GET", `/contents?authorization=${encodeURIComponent(alice)}`);
    expect(res.status).toBe(200);
  });

  it("refuses no token, unsigned development tokens, other signers, expired and malformed tokens with 401", async () => {
    await expectError(await call("GET", "/contents"), 401, /.+/, /Missing authorization token/);
    await expectError(await call("GET", "/contents", { token: devToken(ALICE) }), 401, /.+/, /65 bytes/);
    const forged = signToken({ qspace_id: "ispc", addr: ALICE }, malloryKey);
    await expectError(await call("GET", "/contents", { token: forged }), 401, /.+/, /does not match addr/);
    const expired = signToken({ addr: ALICE, exp: Math.floor(Date.now() / 1000) - 60 }, aliceKey);
    await expectError(await call("GET", "/contents", { token: expired }), 401, /.+/, /expired/);
    await expectError(await call("GET", "/contents", { token: "garbage" }), 401);
    await expectError(await call("GET", "/contents", { headers: { authorization: `Basic ${bytesToBase64(new TextEncoder().encode("a:b"))}` } }), 401, /.+/, /API key/);
    await expectError(await call("GET", "/contents", { headers: { authorization: "Token abc" } }), 401, /.+/, /scheme/);
  });

  it("gives a valid signer who is no member nothing of the tenant", async () => {
    const mallory = signToken({ addr: addressOfSecretKey(malloryKey), iat: Math.floor(Date.now() / 1000) }, malloryKey);
    await expectError(await call("GET", "/contents/sig1", { token: mallory }), 403, "FORBIDDEN");
    await expectError(await call("POST", "/sig1/tag", { token: mallory, body: { jobs: [{ model: "signedm" }] } }), 403, "FORBIDDEN");
    await expectError(await call("GET", "/sig1/tags", { token: mallory }), 403, "FORBIDDEN");
    const mine = await json<ApiBody>(await call("GET", "/job-status", { token: mallory }), 200);
    expect(mine.jobs).toEqual([]);
  });

  it("accepts API keys (Basic) as the alternative scheme", async () => {
    const key = await json<{ basic: string }>(await call("POST", "/tenants/acme/api-keys", { token: ADMIN, body: { name: "ci" } }), 201);
    const list = await json<ApiBody>(await call("GET", "/contents", { headers: { authorization: key.basic } }), 200);
    expect(list.contents.map((c: { qid: string }) => c.qid)).toContain("sig1");
  });

  it("still accepts the system admin token and keeps public routes public", async () => {
    expect((await call("GET", "/tenants/acme/members", { token: ADMIN })).status).toBe(200);
    expect((await call("GET", "/models")).status).toBe(200);
    expect((await call("GET", "/health")).status).toBe(200);
  });
});
