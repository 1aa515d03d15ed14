import { describe, expect, it } from "vitest";
import { call, expectError, json, registerHls } from "../../worker/helpers";

describe("a deployment missing URL_SIGNING_KEY", () => {
  it("says so on /health and refuses to start work instead of stalling", async () => {
    const health = await json(await call("GET", "/health"), 503);
    expect(health).toMatchObject({ ok: false, missing: ["URL_SIGNING_KEY"] });
    await registerHls("unconf", 1);
    await expectError(await call("POST", "/unconf/tag", { body: { jobs: [{ model: "shot" }] } }), 503, "NOT_CONFIGURED", /URL_SIGNING_KEY/);
    expect((await json(await call("GET", "/unconf/job-status?limit=0"), 404)).error.code).toBe("NO_JOBS_FOUND");
  });
});
