import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE } from "./helpers";

const preflight = (path: string, method = "POST") =>
  exports.default.fetch(`${BASE}${path}`, {
    method: "OPTIONS",
    headers: { Origin: "https://tools.example.org", "Access-Control-Request-Method": method, "Access-Control-Request-Headers": "authorization,content-type" },
  });

describe("CORS for browser clients (any origin by default, as Eluvio's tagger)", () => {
  it("answers preflights with 204, the methods and the Authorization and Content-Type headers, before any token", async () => {
    for (const [path, method] of [["/demo/tag", "POST"], ["/job-status", "GET"], ["/contents/x/files/a.mp4", "PUT"], ["/jobs/abc", "DELETE"], ["/feed", "GET"], ["/demo/feed/shot", "GET"]] as const) {
      const res = await preflight(path, method);
      expect(res.status, path).toBe(204);
      expect(res.headers.get("access-control-allow-origin"), path).toBe("*");
      expect(res.headers.get("access-control-allow-methods"), path).toContain(method);
      expect(res.headers.get("access-control-allow-headers")?.toLowerCase(), path).toContain("authorization");
      expect(res.headers.get("access-control-allow-headers")?.toLowerCase(), path).toContain("content-type");
    }
  });

  it("names the origin on answers, errors included", async () => {
    const ok = await exports.default.fetch(`${BASE}/models`, { headers: { Origin: "https://tools.example.org" } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe("*");
    const missing = await exports.default.fetch(`${BASE}/nope/nothing/here`, { headers: { Origin: "https://tools.example.org" } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("access-control-allow-origin")).toBe("*");
    const bad = await exports.default.fetch(`${BASE}/job-status?bogus=1`, { headers: { Origin: "https://tools.example.org" } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("access-control-allow-origin")).toBe("*");
  });
});
