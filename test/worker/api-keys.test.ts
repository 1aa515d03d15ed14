import { beforeAll, describe, expect, it } from "vitest";
import { bytesToBase64 } from "../../src/auth/token";
import { ADMIN, call, devToken, expectError, json, registerHls, registerModel, startJob, waitFor, type ApiBody } from "./helpers";

const OWNER = "0x00000000000000000000000000000000000000a1";
const MEMBER = "0x00000000000000000000000000000000000000a2";
const basic = (user: string, secret: string) => ({ authorization: `Basic ${bytesToBase64(new TextEncoder().encode(`${user}:${secret}`))}` });

interface NewKey {
  id: string;
  secret: string;
  basic: string;
  tenant: string;
  role: string;
}

describe("API keys (Basic authentication)", () => {
  let key: NewKey;

  beforeAll(async () => {
    for (const t of ["keyco", "other"]) await json(await call("PUT", `/tenants/${t}`, { token: ADMIN, body: { name: t } }), 201);
    await json(await call("PUT", `/tenants/keyco/members/${OWNER}`, { token: ADMIN, body: { role: "admin" } }), 200);
    await json(await call("PUT", `/tenants/keyco/members/${MEMBER}`, { token: ADMIN, body: { role: "member" } }), 200);
    await registerModel("keym");
    key = await json<NewKey>(await call("POST", "/tenants/keyco/api-keys", { token: devToken(OWNER), body: { name: "ingest robot" } }), 201);
  });

  it("gives the secret once, as a ready Authorization value, and lists keys without it", async () => {
    expect(key).toMatchObject({ id: expect.stringMatching(/^ak_[0-9a-f]{16}$/), tenant: "keyco", role: "member", secret: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(key.basic).toBe(basic(key.id, key.secret).authorization);
    const list = await json<{ api_keys: Array<Record<string, unknown>> }>(await call("GET", "/tenants/keyco/api-keys", { token: devToken(OWNER) }), 200);
    expect(list.api_keys).toEqual([{ id: key.id, tenant: "keyco", name: "ingest robot", role: "member", created_by: OWNER, created_at: expect.any(String) }]);
    expect(JSON.stringify(list)).not.toContain(key.secret);
  });

  it("works as a member of its tenant: register, tag, read", async () => {
    const headers = basic(key.id, key.secret);
    await json(await call("PUT", "/contents/keyed", { headers, body: { title: "Keyed", tenant: "keyco", streams: { video: { file: "v.m3u8" } } } }), 201);
    // The key's own content, tagged through the key.
    await registerHls("keyed2", 2, { tenant: "keyco", token: devToken(MEMBER) });
    const started = await json<ApiBody>(await call("POST", "/keyed2/tag", { headers, body: { jobs: [{ model: "keym" }] } }), 200);
    const job = await waitFor("keyed2", started.jobs[0].job_id, ["succeeded"], 20_000, devToken(MEMBER));
    expect(job.user).toBe(`apikey:${key.id}`);
    const own = await json<ApiBody>(await call("GET", "/job-status", { headers }), 200);
    expect(own.jobs.map((j: { job_id: string }) => j.job_id)).toEqual([started.jobs[0].job_id]);
  });

  it("stays inside its tenant and its role", async () => {
    const headers = basic(key.id, key.secret);
    await json(await call("PUT", "/contents/elsewhere", { token: ADMIN, body: { title: "Other", tenant: "other", streams: { video: { file: "v.m3u8" } } } }), 201);
    await expectError(await call("GET", "/contents/elsewhere", { headers }), 403);
    await expectError(await call("PUT", "/contents/sneaky", { headers, body: { title: "x", tenant: "other", streams: { video: { file: "v.m3u8" } } } }), 403);
    // A member key cannot mint keys or manage members.
    await expectError(await call("POST", "/tenants/keyco/api-keys", { headers, body: { name: "escalate", role: "admin" } }), 403);
    await expectError(await call("PUT", `/tenants/keyco/members/${MEMBER}`, { headers, body: { role: "admin" } }), 403);
    await expectError(await call("PUT", "/models/x", { headers, body: { description: "x", type: "video", provider: { kind: "http", url: "http://127.0.0.1:1" } } }), 403);
  });

  it("refuses wrong secrets, unknown keys and malformed credentials with 401", async () => {
    await expectError(await call("GET", "/contents", { headers: basic(key.id, "0".repeat(64)) }), 401, /.+/, /wrong secret/);
    await expectError(await call("GET", "/contents", { headers: basic("ak_0000000000000000", key.secret) }), 401);
    await expectError(await call("GET", "/contents", { headers: { authorization: "Basic %%%" } }), 401, /.+/, /base64/);
    await expectError(await call("GET", "/contents", { headers: basic("nocolon", "") }), 401, /.+/, /KEY_ID:SECRET/);
    // The admin token is a Bearer token only.
    await expectError(await call("GET", "/contents", { headers: { authorization: `Basic ${ADMIN}` } }), 401);
  });

  it("only tenant admins manage keys; a revoked key stops working at once", async () => {
    await expectError(await call("POST", "/tenants/keyco/api-keys", { token: devToken(MEMBER), body: { name: "mine" } }), 403);
    await expectError(await call("GET", "/tenants/keyco/api-keys", { token: devToken(MEMBER) }), 403);
    await expectError(await call("POST", "/tenants/nope/api-keys", { token: ADMIN, body: { name: "k" } }), 404);
    await expectError(await call("POST", "/tenants/keyco/api-keys", { token: ADMIN, body: { name: "k", role: "owner" } }), 400, "VALIDATION_ERROR", /role/);
    await expectError(await call("POST", "/tenants/keyco/api-keys", { token: ADMIN, body: { name: "k", extra: 1 } }), 400, "VALIDATION_ERROR");
    const temp = await json<NewKey>(await call("POST", "/tenants/keyco/api-keys", { token: ADMIN, body: { name: "temp", role: "admin" } }), 201);
    expect((await call("GET", "/tenants/keyco/api-keys", { headers: basic(temp.id, temp.secret) })).status).toBe(200);
    await expectError(await call("DELETE", `/tenants/other/api-keys/${temp.id}`, { token: ADMIN }), 404);
    expect((await call("DELETE", `/tenants/keyco/api-keys/${temp.id}`, { token: devToken(OWNER) })).status).toBe(204);
    await expectError(await call("GET", "/contents", { headers: basic(temp.id, temp.secret) }), 401);
    await expectError(await call("DELETE", `/tenants/keyco/api-keys/${temp.id}`, { token: devToken(OWNER) }), 404);
    await expectError(await call("DELETE", "/tenants/keyco/api-keys/bogus", { token: ADMIN }), 400, "VALIDATION_ERROR");
  });
});
