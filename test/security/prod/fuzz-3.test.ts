import { describe, expect, it } from "vitest";
import { FUZZ_RUNS, FUZZ_SHARDS, FUZZ_TOKENS_BASE, fuzzApi } from "../fuzz";
import { setupTenant } from "../tenants";

describe("fuzzing every route, production configuration (shard 3)", () => {
  it("answers no 5xx and only JSON errors to arbitrary requests", { timeout: 100_000 }, async () => {
    const { token } = await setupTenant("fuzz-prod-3");
    expect(await fuzzApi([...FUZZ_TOKENS_BASE, token], FUZZ_RUNS, 3, FUZZ_SHARDS)).toBeGreaterThan(300);
  });
});
