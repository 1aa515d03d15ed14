import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";

// `any`: the document is read as untyped JSON, field by field, as a client would.
type Json = any;

/** The API document as the service serves it (built here in Node: GET /openapi.json needs no bindings). */
async function apiDocument(): Promise<Record<string, Json>> {
  const res = await buildApp().request("https://tagger.test/openapi.json", {}, {} as Env);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, Json>;
}

const operations = (doc: Record<string, Json>) =>
  Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

describe("the OpenAPI document", () => {
  it("passes an independent linter (Redocly's recommended rules) with no error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "openapi-"));
    try {
      const file = join(dir, "openapi.json");
      writeFileSync(file, JSON.stringify(await apiDocument()));
      const out = join(dir, "lint.json");
      const run = spawnSync("node_modules/.bin/redocly", ["lint", file, "--extends", "recommended", "--format", "json"], {
        encoding: "utf8",
        // No network here: no telemetry, no update check.
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      });
      writeFileSync(out, run.stdout);
      const report = JSON.parse(readFileSync(out, "utf8")) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; severity: string; message: string }> };
      expect(report.problems.filter((p) => p.severity === "error")).toEqual([]);
      expect(report.totals.errors).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("names and describes every operation, lists servers and the security schemes (token, API key, OAuth2 client credentials), and types the scope", async () => {
    const doc = await apiDocument();
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(25);
    expect(ops.filter(({ op }) => !op.operationId || !op.description).map(({ method, path }) => `${method} ${path}`)).toEqual([]);
    expect(new Set(ops.map(({ op }) => op.operationId)).size).toBe(ops.length);
    expect(doc.servers).toEqual([{ url: "https://tagger.test", description: "This deployment" }]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["basic", "bearer", "oauth2ClientCredentials"]);
    expect(doc.components.schemas.TaggerOptions.properties.scope.oneOf.map((s: { $ref: string }) => s.$ref.split("/").at(-1))).toEqual(["ScopeVideo", "ScopeProcessor", "ScopeAssets", "ScopeLivestream"]);
    // Every JSON-body route declares what a bad body gets; token routes declare 401; public ones need no token.
    for (const { op } of ops.filter(({ op }) => op.requestBody?.content?.["application/json"])) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["400", "413", "415", "500"]));
    expect(doc.paths["/models"].get.security).toEqual([]);
    expect(doc.paths["/{qid}/tag"].post.responses["401"]).toBeDefined();
  });
});
