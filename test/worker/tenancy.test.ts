import { describe, expect, it } from "vitest";
import { ADMIN, call, devToken, expectError, json, registerHls, registerModel, startJob, waitFor, type ApiBody } from "./helpers";

const ALICE = "0x1111111111111111111111111111111111111111";
const BOB = "0x2222222222222222222222222222222222222222";
const CAROL = "0x3333333333333333333333333333333333333333";

async function setupTenants() {
  for (const t of ["acme", "globex"]) {
    const res = await call("PUT", `/tenants/${t}`, { token: ADMIN, body: { name: t.toUpperCase() } });
    expect([200, 201]).toContain(res.status);
    await res.body?.cancel();
  }
  await json(await call("PUT", `/tenants/acme/members/${ALICE}`, { token: ADMIN, body: { role: "admin" } }), 200);
  await json(await call("PUT", `/tenants/acme/members/${CAROL}`, { token: devToken(ALICE), body: { role: "member" } }), 200);
  await json(await call("PUT", `/tenants/globex/members/${BOB}`, { token: ADMIN, body: { role: "member" } }), 200);
}

describe("tenants and isolation", () => {
  it("manages tenants and members with the right rights", async () => {
    await setupTenants();
    await expectError(await call("PUT", "/tenants/evil", { token: devToken(ALICE), body: { name: "x" } }), 403);
    await expectError(await call("PUT", `/tenants/globex/members/${ALICE}`, { token: devToken(ALICE), body: { role: "admin" } }), 403);
    await expectError(await call("PUT", `/tenants/acme/members/${BOB}`, { token: devToken(CAROL), body: { role: "member" } }), 403);
    await expectError(await call("PUT", `/tenants/acme/members/${BOB}`, { token: devToken(ALICE), body: { role: "owner" } }), 400, "VALIDATION_ERROR", /role/);
    const list = await json<ApiBody>(await call("GET", "/tenants/acme/members", { token: devToken(CAROL) }), 200);
    expect(list).toEqual({ tenant: { id: "acme", name: "ACME", fabric_url: null, fabric_credential: { set: false, updated_at: null } }, members: [{ address: ALICE, role: "admin" }, { address: CAROL, role: "member" }] });
    await expectError(await call("GET", "/tenants/acme/members", { token: devToken(BOB) }), 403);
    expect((await call("DELETE", `/tenants/acme/members/${CAROL}`, { token: devToken(ALICE) })).status).toBe(204);
    await expectError(await call("DELETE", `/tenants/acme/members/${CAROL}`, { token: devToken(ALICE) }), 404);
    expect((await json<ApiBody>(await call("PUT", "/tenants/acme", { token: ADMIN, body: { name: "Acme Corp" } }), 200)).name).toBe("Acme Corp");
  });

  it("a member of another tenant cannot read, tag, stop or delete, and /job-status never leaks", async () => {
    await setupTenants();
    await registerModel("iso");
    await registerHls("acme-film", 2, { token: devToken(ALICE), tenant: "acme" });
    const { jobs } = await startJob("acme-film", { jobs: [{ model: "iso" }] }, devToken(ALICE));
    const jobId = jobs[0]!.job_id;
    await waitFor("acme-film", jobId, ["succeeded"], 20_000, devToken(ALICE));
    const bob = devToken(BOB);
    await expectError(await call("GET", "/contents/acme-film", { token: bob }), 403);
    await expectError(await call("POST", "/acme-film/tag", { token: bob, body: { jobs: [{ model: "iso" }] } }), 403);
    await expectError(await call("POST", "/acme-film/stop", { token: bob }), 403);
    await expectError(await call("GET", "/acme-film/tags", { token: bob }), 403);
    await expectError(await call("GET", "/acme-film/tracks", { token: bob }), 403);
    await expectError(await call("GET", "/acme-film/tag-status", { token: bob }), 403);
    await expectError(await call("GET", "/acme-film/job-status", { token: bob }), 404);
    await expectError(await call("DELETE", `/jobs/${jobId}`, { token: bob }), 404);
    await expectError(await call("PUT", "/contents/acme-film", { token: bob, body: { title: "mine now", streams: { video: { url: "https://example.com/a.m3u8" } } } }), 403);
    expect((await json<ApiBody>(await call("GET", "/job-status", { token: bob }), 200)).jobs).toEqual([]);
    await expectError(await call("GET", "/job-status?tenant=acme", { token: bob }), 403);
    await expectError(await call("GET", `/job-status?user=${ALICE}`, { token: bob }), 403);
    expect((await json<ApiBody>(await call("GET", "/contents", { token: bob }), 200)).contents).toEqual([]);
    // Within the tenant: Carol (member) sees the content but not Alice's jobs unless she is admin.
    await expectError(await call("GET", "/job-status?tenant=acme", { token: devToken(CAROL) }), 403);
    expect((await json<ApiBody>(await call("GET", "/acme-film/job-status", { token: devToken(CAROL) }), 200)).jobs).toHaveLength(1);
    await expectError(await call("DELETE", `/jobs/${jobId}`, { token: devToken(CAROL) }), 403);
    // Alice (admin) sees the tenant's jobs; the system admin sees everything.
    expect((await json<ApiBody>(await call("GET", "/job-status?tenant=acme", { token: devToken(ALICE) }), 200)).meta.total).toBe(1);
    expect((await json<ApiBody>(await call("GET", `/job-status?user=${ALICE}`, { token: ADMIN }), 200)).meta.total).toBe(1);
    expect((await call("DELETE", `/jobs/${jobId}?tenant=acme`, { token: devToken(ALICE) })).status).toBe(204);
  });

  it("refuses a destination_qid the caller cannot write to, in options or in overrides", async () => {
    await setupTenants();
    await registerModel("destchk");
    await registerHls("acme-a", 1, { token: devToken(ALICE), tenant: "acme" });
    await registerHls("globex-b", 1, { token: devToken(BOB) });
    await expectError(await call("POST", "/acme-a/tag", { token: devToken(ALICE), body: { options: { destination_qid: "globex-b" }, jobs: [{ model: "destchk" }] } }), 403, "FORBIDDEN", /globex-b/);
    await expectError(
      await call("POST", "/acme-a/tag", { token: devToken(ALICE), body: { jobs: [{ model: "destchk", overrides: { destination_qid: "globex-b" } }] } }),
      403,
    );
    await expectError(await call("POST", "/acme-a/tag", { token: devToken(ALICE), body: { jobs: [{ model: "destchk", overrides: { destination_qid: "nope" } }] } }), 403);
  });
});
