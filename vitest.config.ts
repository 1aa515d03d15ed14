import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

type D1Migrations = Awaited<ReturnType<typeof readD1Migrations>>;

/** A project running in workerd with the real local D1/R2/DO/Queues of wrangler.toml. */
function workerProject(name: string, include: string, migrations: D1Migrations, vars: Record<string, string> = {}) {
  return {
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
            ...vars,
          },
        },
      })),
    ],
    test: {
      name,
      include: [include],
      setupFiles: ["./test/worker/apply-migrations.ts"],
      globalSetup: ["./test/support/provider-global-setup.ts"],
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  };
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      projects: [
        { test: { name: "unit", include: ["test/unit/**/*.test.ts", "test/reference-provider/**/*.test.ts"], environment: "node" } },
        workerProject("worker", "test/worker/**/*.test.ts", migrations),
        // The production auth mode: only signed tokens (and the admin token) get in.
        workerProject("worker-signed", "test/worker-signed/**/*.test.ts", migrations, { AUTH_MODE: "signed" }),
        { test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], environment: "node", testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } },
      ],
    },
  };
});
