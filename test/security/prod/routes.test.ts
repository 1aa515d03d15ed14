import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signMediaUrl } from "../../../src/sources/media-url";
import { ADMIN, call, expectError, json } from "../../worker/helpers";
import { setupTenant } from "../tenants";

describe("routes, tokens and media in the production configuration", () => {
  it("public and signed routes are exact: look-alike paths need a token and never answer 500", async () => {
    for (const [method, path] of [["GET", "/media/tags/export"], ["GET", "/callbacks/job-status"], ["POST", "/callbacks/tag"], ["GET", "/health/job-status"]]) {
      const res = await call(method!, path!, method === "POST" ? { body: { tags: [] } } : {});
      expect(res.status, `${method} ${path}`).toBe(401);
      await expectError(res, 401);
    }
    // A feed is a websocket: without the upgrade there is no route to reach.
    const feed = await call("GET", "/media/x/feed/y");
    expect([401, 404, 426]).toContain(feed.status);
    await expectError(feed, feed.status);
    expect((await call("GET", "/models")).status).toBe(200);
    expect((await call("GET", "/openapi.json")).status).toBe(200);
  });

  it("serves signed media to HEAD as to GET, and answers 416 to an empty suffix range", async () => {
    await env.BUCKET.put("files/mediaq/clip.mp4", new Uint8Array(1000).fill(7), { httpMetadata: { contentType: "video/mp4" } });
    const url = await signMediaUrl(env, "files/mediaq/clip.mp4");
    const path = new URL(url).pathname;
    const head = await call("HEAD", path);
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("1000");
    expect((await call("GET", path, { headers: { range: "bytes=0-9" } })).status).toBe(206);
    await expectError(await call("GET", path, { headers: { range: "bytes=-0" } }), 416, "RANGE_NOT_SATISFIABLE");
    expect((await call("HEAD", `${path.slice(0, -4)}AAAA`)).status).toBe(401);
  });

  it("refuses the admin token in the query string, and tokens that never expire", async () => {
    await expectError(await call("GET", `/providers?authorization=${ADMIN}`), 401, "UNAUTHORIZED", /only in the Authorization header/);
    expect((await call("GET", "/providers", { token: ADMIN })).status).toBe(200);
  });

  it("shows provider URLs to system admins only", async () => {
    const member = await setupTenant("prov-m", "member");
    await json(await call("PUT", "/models/urlmodel", { token: ADMIN, body: { type: "video", provider: { kind: "http", url: "https://media.example.com/gpu-internal" } } }), 200);
    const seen = JSON.stringify(await json(await call("GET", "/providers", { token: member.token }), 200));
    expect(seen).not.toContain("media.example.com");
    expect(seen).toMatch(/"id":"http-[0-9a-f]{12}"/);
    const admin = JSON.stringify(await json(await call("GET", "/providers", { token: ADMIN }), 200));
    expect(admin).toContain("https://media.example.com/gpu-internal");
  });

  it("CORS_ORIGINS narrows who may call from a browser: its origins are named back, others get no grant", async () => {
    const ask = (origin: string) =>
      exports.default.fetch("http://tagger.test/job-status", { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" } });
    const allowed = await ask("https://app.example.com");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    const other = await ask("https://evil.example.net");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const answer = await exports.default.fetch("http://tagger.test/models", { headers: { Origin: "https://evil.example.net" } });
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
  });
});
