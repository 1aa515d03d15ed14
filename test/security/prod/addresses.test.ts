import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { FetchError, safeFetch } from "../../../src/sources/safe-fetch";
import { ADMIN, call, expectError, json } from "../../worker/helpers";
import { setupTenant } from "../tenants";

const P = new URL(env.TEST_PROVIDER_URL).port;

/** Every form of a non-public address we know of; each must be refused, in any field that takes a URL. */
const REFUSED: string[] = [
  // IPv4 literals and the URL parser's other spellings of them
  `http://127.0.0.1:${P}/x.mp4`, "http://127.1/x.mp4", "http://0x7f.0.0.1/x.mp4", "http://2130706433/x.mp4", "http://017700000001/x.mp4",
  "http://0.0.0.0/x.mp4", "http://0/x.mp4", "http://10.0.0.1/x.mp4", "http://10.255.255.255/x.mp4", "http://172.16.0.1/x.mp4",
  "http://172.31.255.254/x.mp4", "http://192.168.1.1/x.mp4", "http://169.254.169.254/latest/meta-data", "http://100.64.0.1/x.mp4",
  "http://192.0.0.1/x.mp4", "http://192.0.2.1/x.mp4", "http://198.18.0.1/x.mp4", "http://198.51.100.1/x.mp4", "http://203.0.113.1/x.mp4",
  "http://224.0.0.1/x.mp4", "http://239.255.255.250/x.mp4", "http://240.0.0.1/x.mp4", "http://255.255.255.255/x.mp4",
  // IPv6: loopback, unspecified, and every form that embeds a private IPv4
  "http://[::1]/x.mp4", "http://[::]/x.mp4", `http://[::ffff:127.0.0.1]:${P}/x.mp4`, "http://[::ffff:7f00:1]/x.mp4",
  "http://[::ffff:a9fe:a9fe]/x.mp4", "http://[::ffff:a00:1]/x.mp4", "http://[::ffff:192.168.1.1]/x.mp4", "http://[::7f00:1]/x.mp4",
  "http://[::127.0.0.1]/x.mp4", "http://[::ffff:0:7f00:1]/x.mp4", "http://[64:ff9b::7f00:1]/x.mp4", "http://[64:ff9b::a00:1]/x.mp4",
  "http://[64:ff9b:1::1]/x.mp4", "http://[2002:7f00:1::1]/x.mp4", "http://[2002:a00:1::]/x.mp4", "http://[2002:c0a8:101::1]/x.mp4",
  "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/x.mp4", "http://[fc00::1]/x.mp4", "http://[fd12:3456::1]/x.mp4",
  "http://[fe80::1]/x.mp4", "http://[febf::1]/x.mp4", "http://[fec0::1]/x.mp4", "http://[ff02::1]/x.mp4", "http://[2001:db8::1]/x.mp4",
  "http://[100::1]/x.mp4",
  // Names local by definition, with or without a trailing dot
  "http://localhost/x.mp4", "http://localhost./x.mp4", "http://LOCALHOST/x.mp4", "http://a.localhost/x.mp4", "http://printer.local/x.mp4",
  "http://metadata.google.internal/x.mp4", "http://router.home.arpa/x.mp4", "http://intranet/x.mp4",
  // Names that resolve to private addresses
  "http://evil.example.com/x.mp4", "http://metadata.example.com/x.mp4", "http://loop.example.com/x.mp4", "http://mapped.example.com/x.mp4",
  "http://mixed.example.com/x.mp4", "http://evil.example.com./x.mp4",
];
const ALSO_INVALID = ["file:///etc/passwd", "ftp://media.example.com/x.mp4", "r2:files/other/x.mp4", "gopher://media.example.com/", "http://user:pw@media.example.com/x.mp4", "http://nowhere.example.com/x.mp4"];
const ACCEPTED = ["https://media.example.com/film/master.m3u8", "http://media.example.com/x.mp4", "https://v6.example.com/x.mp4", "http://[2606:4700:4700::1111]/x.mp4", "http://8.8.8.8/x.mp4"];

describe("the private-address rule, production configuration", () => {
  it(`refuses ${REFUSED.length} URL forms of private, loopback and reserved addresses as content sources`, async () => {
    expect(REFUSED.length).toBeGreaterThanOrEqual(50);
    const { token } = await setupTenant("addr-a");
    for (const [i, url] of REFUSED.entries()) {
      const err = await expectError(await call("PUT", `/contents/addr${i}`, { token, body: { title: "x", streams: { video: { url } } } }), 400);
      expect(err.code, url).toMatch(/^(PRIVATE_ADDRESS|INVALID_URL)$/);
    }
    for (const [i, url] of ALSO_INVALID.entries()) {
      const err = await expectError(await call("PUT", `/contents/inv${i}`, { token, body: { title: "x", streams: { video: { url } } } }), 400);
      expect(err.code, url).toMatch(/^(INVALID_URL|UNRESOLVABLE_HOST|VALIDATION_ERROR)$/);
    }
    for (const [i, url] of ACCEPTED.entries()) {
      await json(await call("PUT", `/contents/ok${i}`, { token, body: { title: "x", streams: { video: { url } } } }), 201);
    }
  });

  it("refuses the same forms for asset URLs and provider URLs", async () => {
    const { token } = await setupTenant("addr-b");
    for (const url of ["http://[::ffff:127.0.0.1]/a.png", "http://evil.example.com/a.png", "http://localhost./a.png"]) {
      await expectError(await call("PUT", "/contents/assetx", { token, body: { title: "x", streams: { video: { url: "https://media.example.com/v.mp4" } }, assets: { "a.png": { url } } } }), 400, "PRIVATE_ADDRESS");
    }
    for (const url of [`http://[::ffff:127.0.0.1]:${P}`, "http://10.0.0.1:9000", "http://evil.example.com", "http://[fd00::1]"]) {
      await expectError(await call("PUT", "/models/evil", { token: ADMIN, body: { type: "video", provider: { kind: "http", url } } }), 400, "PRIVATE_ADDRESS");
    }
  });

  it("refuses every form as a tenant's content fabric, and never calls a fabric set before the rule", async () => {
    await setupTenant("addr-fab");
    for (const url of REFUSED) {
      const err = await expectError(await call("PUT", "/tenants/addr-fab", { token: ADMIN, body: { name: "x", fabric_url: url } }), 400);
      expect(err.code, url).toMatch(/^(PRIVATE_ADDRESS|INVALID_URL)$/);
    }
    // A fabric URL stored before (or pointed by DNS later at a private address) is checked again on every call.
    const { token } = await setupTenant("addr-fab2");
    await env.DB.prepare("UPDATE tenants SET fabric_url = ? WHERE id = 'addr-fab2'").bind(`http://127.0.0.1:${P}/fabric`).run();
    await json(await call("PUT", "/tenants/addr-fab2/fabric-credential", { token: ADMIN, body: { token: "service" } }), 200);
    await expectError(await call("POST", "/iq__2PrivateFabric/tag", { token, body: { jobs: [{ model: "shot" }] } }), 400, "FABRIC_NOT_CONFIGURED", /Refusing the fabric/);
  });

  it("checks every fetch and every redirect hop, and a refused URL is never requested", async () => {
    for (const url of [`http://[::ffff:127.0.0.1]:${P}/files/demo.mp4`, `http://127.0.0.1:${P}/files/demo.mp4`, "http://mixed.example.com/files/demo.mp4"]) {
      await expect(safeFetch(env, url)).rejects.toThrow(FetchError);
    }
    const to = encodeURIComponent(`http://[::ffff:127.0.0.1]:${P}/files/redirected.mp4`);
    await expect(safeFetch(env, `http://media.example.com/redirect?to=${to}`)).rejects.toThrow(/Refusing redirect/);
    const paths = (await (await fetch(`${env.TEST_PROVIDER_URL}/requests`)).json<{ paths: string[] }>()).paths;
    expect(paths).toContain("/redirect");
    expect(paths).not.toContain("/files/redirected.mp4");
    expect(paths).not.toContain("/files/demo.mp4");
  });

  it("a playlist on a public host whose segments point at private addresses tags nothing from them", async () => {
    const { token } = await setupTenant("addr-c");
    const playlist = ["#EXTM3U", "#EXT-X-TARGETDURATION:4", "#EXTINF:4.0,", `http://[::ffff:127.0.0.1]:${P}/files/segment-a.ts`, "#EXTINF:4.0,", "http://evil.example.com/segment-b.ts", "#EXT-X-ENDLIST"].join("\n");
    await fetch(`${env.TEST_PROVIDER_URL}/docs/private-segments.m3u8`, { method: "PUT", body: playlist });
    await json(await call("PUT", "/contents/segs", { token, body: { title: "x", streams: { video: { url: "http://media.example.com/docs/private-segments.m3u8" } } } }), 201);
    await json(await call("PUT", "/models/secmodel", { token: ADMIN, body: { type: "video", provider: { kind: "http", url: "http://media.example.com", name: "sec-provider" } } }), 200);
    const start = await json(await call("POST", "/segs/tag", { token, body: { jobs: [{ model: "secmodel", model_params: {} }] } }), 200);
    expect(start.jobs[0].started).toBe(true);
    const until = Date.now() + 20_000;
    let job;
    do {
      await new Promise((r) => setTimeout(r, 100));
      job = (await json(await call("GET", "/segs/job-status", { token }), 200)).jobs[0];
    } while (!["succeeded", "failed"].includes(job.status) && Date.now() < until);
    expect(job.tag_details.tagged_parts).toBe(0);
    expect(job.tag_details.warnings.last_warning + (job.error ?? "")).toMatch(/private|refus/i);
    const paths = (await (await fetch(`${env.TEST_PROVIDER_URL}/requests`)).json<{ paths: string[] }>()).paths;
    expect(paths).not.toContain("/files/segment-a.ts");
    expect(paths).not.toContain("/segment-b.ts");
  });
});
