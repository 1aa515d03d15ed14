import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      projects: [
        { test: { name: "unit", include: ["test/unit/**/*.test.ts", "test/reference-provider/**/*.test.ts"], environment: "node" } },
        {
          plugins: [
            cloudflareTest(({ inject }) => ({
              main: "./src/index.ts",
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  TEST_PROVIDER_URL: inject("testProviderUrl"),
                  ADMIN_TOKEN: "test-admin-token",
                  URL_SIGNING_KEY: "test-signing-key",
                  PUBLIC_BASE_URL: "http://tagger.test",
                },
              },
            })),
          ],
          test: {
            name: "worker",
            include: ["test/worker/**/*.test.ts"],
            setupFiles: ["./test/worker/apply-migrations.ts"],
            globalSetup: ["./test/support/provider-global-setup.ts"],
            testTimeout: 30_000,
            hookTimeout: 30_000,
          },
        },
        { test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], environment: "node", testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } },
      ],
    },
  };
});
