import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../reference-provider/sample";
import { registerDemo } from "../../scripts/lib/demo-content";
import { freePort, type LocalService, migrateLocal, startLocalService, startProcess, startReferenceProviderProcess } from "../../scripts/lib/local-service";

const ADMIN = "contract-admin";
/** The development user's token (AUTH_MODE=dev reads unsigned PAYLOAD. tokens): the document asks every non-public route for one. */
const USER = `${Buffer.from(JSON.stringify({ addr: "0xde70000000000000000000000000000000000001", iat: Math.floor(Date.now() / 1000) })).toString("base64")}.`;

interface Violation {
  location: string[];
  severity: string;
  code: string;
  message: string;
}

/**
 * The API behind an independent validating proxy (Stoplight Prism, against the service's own
 * /openapi.json): every route driven with good and bad requests. Prism names in `sl-violations`
 * whatever a request or an answer does that the document does not allow; an answer never may,
 * and a good request never may.
 */
describe("contract: every route through a validating proxy", () => {
  let dir: string;
  let api: LocalService;
  let provider: LocalService;
  let prism: LocalService;
  const problems: string[] = [];

  async function through(method: string, path: string, opts: { body?: unknown; raw?: string; type?: string; admin?: boolean; bad?: boolean } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    headers.authorization = `Bearer ${opts.admin ? ADMIN : USER}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.body);
    } else if (opts.raw !== undefined) {
      headers["content-type"] = opts.type ?? "text/plain";
      body = opts.raw;
    }
    const res = await fetch(`${prism.url}${path}`, { method, headers, body });
    const raw = res.headers.get("sl-violations");
    const violations = raw ? (JSON.parse(raw) as Violation[]) : [];
    for (const v of violations) {
      const where = v.location[0];
      // A bad request is meant to break the request's rules; nothing may break the answer's.
      if (where === "response" || !opts.bad) problems.push(`${method} ${path} → ${res.status}: ${v.location.join(".")}: ${v.message}`);
    }
    return res;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tagger-contract-"));
    migrateLocal(join(dir, "state"));
    provider = await startReferenceProviderProcess(await freePort());
    api = await startLocalService({ port: await freePort(), persistTo: join(dir, "state"), vars: { REFERENCE_PROVIDER_URL: provider.url, URL_SIGNING_KEY: "contract-signing-key", ADMIN_TOKEN: ADMIN, CREDENTIALS_KEY: "contract-credentials-key" } });
    await registerDemo(api.url);
    const doc = join(dir, "openapi.json");
    writeFileSync(doc, await (await fetch(`${api.url}/openapi.json`)).text());
    const port = await freePort();
    prism = await startProcess("node_modules/.bin/prism", ["proxy", doc, api.url, "--host", "127.0.0.1", "-p", String(port)], `http://127.0.0.1:${port}`, { name: "prism" });
  }, 120_000);

  afterAll(async () => {
    await prism?.stop();
    await api?.stop();
    await provider?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers every route, good and bad requests alike, only as the document says", async () => {
    // Catalog, providers, health.
    expect((await through("GET", "/models")).status).toBe(200);
    expect((await through("GET", "/models/shot")).status).toBe(200);
    expect((await through("GET", "/models/nope")).status).toBe(404);
    expect((await through("PUT", "/models/contractm", { admin: true, body: { type: "video", provider: { kind: "http", url: provider.url } } })).status).toBe(200);
    expect((await through("PUT", "/models/contractm", { admin: true, body: { type: "sideways" }, bad: true })).status).toBe(400);
    expect((await through("DELETE", "/models/contractm", { admin: true })).status).toBe(204);
    expect((await through("GET", "/providers", { admin: true })).status).toBe(200);
    expect((await through("GET", "/health")).status).toBe(200);
    // Tenants, members, API keys.
    expect((await through("PUT", "/tenants/contract", { admin: true, body: { name: "Contract" } })).status).toBe(201);
    expect((await through("PUT", "/tenants/contract/members/0x00000000000000000000000000000000000000aa", { admin: true, body: { role: "member" } })).status).toBe(200);
    expect((await through("GET", "/tenants/contract/members", { admin: true })).status).toBe(200);
    expect((await through("DELETE", "/tenants/contract/members/0x00000000000000000000000000000000000000aa", { admin: true })).status).toBe(204);
    const key = await through("POST", "/tenants/contract/api-keys", { admin: true, body: { name: "robot" } });
    expect(key.status).toBe(201);
    const { id } = (await key.json()) as { id: string };
    expect((await through("GET", "/tenants/contract/api-keys", { admin: true })).status).toBe(200);
    expect((await through("DELETE", `/tenants/contract/api-keys/${id}`, { admin: true })).status).toBe(204);
    // The tenant's content fabric and its credential (set, never shown, removed).
    expect((await through("PUT", "/tenants/contract", { admin: true, body: { name: "Contract", fabric_url: "https://fabric.example.com" } })).status).toBe(200);
    expect((await through("PUT", "/tenants/contract", { admin: true, body: { name: "Contract", fabric_url: "ftp://x" }, bad: true })).status).toBe(400);
    expect((await through("PUT", "/tenants/contract/fabric-credential", { admin: true, body: { token: "service-token" } })).status).toBe(200);
    expect((await through("PUT", "/tenants/contract/fabric-credential", { admin: true, body: { token: 5 }, bad: true })).status).toBe(400);
    expect((await through("DELETE", "/tenants/contract/fabric-credential", { admin: true })).status).toBe(204);
    expect((await through("DELETE", "/tenants/contract/fabric-credential", { admin: true, bad: true })).status).toBe(404);
    // A content-fabric id of a tenant without a fabric: unknown, and no fabric is asked.
    expect((await through("POST", "/iq__2ContractNoFabric/tag", { body: { jobs: [{ model: "shot" }] }, bad: true })).status).toBe(404);
    // Contents.
    expect((await through("PUT", "/contents/contract-c", { body: { title: "C", streams: { video: { url: "https://media.example.com/c.mp4" } } } })).status).toBe(201);
    expect((await through("PUT", "/contents/contract-c", { body: { title: 5 }, bad: true })).status).toBe(400);
    expect((await through("PUT", "/contents/contract-c", { raw: "{}", type: "text/plain", bad: true })).status).toBe(415);
    expect((await through("PUT", "/contents/models", { body: { title: "x", streams: { video: { url: "https://media.example.com/c.mp4" } } } })).status).toBe(400);
    expect((await through("GET", "/contents/contract-c")).status).toBe(200);
    expect((await through("GET", "/contents?start=0&limit=10")).status).toBe(200);
    expect((await through("GET", `/contents/${DEMO.qid}/play`)).status).toBe(200);
    expect((await through("DELETE", "/contents/contract-c")).status).toBe(204);
    expect((await through("GET", "/contents/contract-c")).status).toBe(404);
    // Tagging, status, stop, tags, exports.
    const started = await through("POST", `/${DEMO.qid}/tag`, { body: { jobs: [{ model: "shot" }] } });
    expect(started.status).toBe(200);
    const jobId = ((await started.json()) as { jobs: Array<{ job_id: string }> }).jobs[0]!.job_id;
    expect((await through("POST", `/${DEMO.qid}/tag`, { body: { features: { shot: {} } }, bad: true })).status).toBe(400);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const page = (await (await through("GET", `/${DEMO.qid}/job-status`)).json()) as { jobs: Array<{ status: string }> };
      if (page.jobs.every((j) => j.status === "succeeded")) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect((await through("GET", `/job-status?qid=${DEMO.qid}&limit=0`)).status).toBe(200);
    expect((await through("GET", "/job-status?bogus=1", { bad: true })).status).toBe(400);
    expect((await through("GET", `/${DEMO.qid}/tag-status`)).status).toBe(200);
    expect((await through("GET", `/${DEMO.qid}/tag-status/shot`)).status).toBe(200);
    expect((await through("POST", `/${DEMO.qid}/stop`)).status).toBe(404);
    expect((await through("POST", `/${DEMO.qid}/stop/shot`)).status).toBe(404);
    expect((await through("GET", `/${DEMO.qid}/tracks`)).status).toBe(200);
    expect((await through("GET", `/${DEMO.qid}/tags?track=shot_detection&limit=5`)).status).toBe(200);
    expect((await through("GET", `/${DEMO.qid}/tags/export?format=vtt&track=shot_detection`)).status).toBe(200);
    expect((await through("GET", `/${DEMO.qid}/tags/export?format=json`)).status).toBe(200);
    expect((await through("POST", "/callbacks/not-a-token", { body: { tags: [] } })).status).toBe(401);
    expect((await through("DELETE", `/jobs/${jobId}`)).status).toBe(204);
    expect((await through("DELETE", `/jobs/${jobId}`)).status).toBe(404);
    expect(problems).toEqual([]);
  }, 120_000);
});
