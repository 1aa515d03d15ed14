import { readFileSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

type D1Migrations = Awaited<ReturnType<typeof readD1Migrations>>;

/** A project running in workerd with the real local D1/R2/DO/Queues of wrangler.toml. */
function workerProject(name: string, include: string, migrations: D1Migrations, vars: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
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
          ...extra,
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

const fixture = (file: string) => readFileSync(`./test/fixtures/workers-ai/${file}`);
const fixtureJson = (file: string) => JSON.parse(fixture(file).toString("utf8")) as unknown;

/**
 * Workers AI and Media Transformations cannot run offline: this project binds AI and MEDIA to
 * stand-ins (test/stubs) that enforce the documented inputs and answer documented outputs.
 */
const workersAiStubs = {
  wrappedBindings: {
    AI: {
      scriptName: "ai-stub",
      bindings: {
        fixtures: {
          whisper: fixtureJson("whisper-large-v3-turbo.json"),
          detr: fixtureJson("detr-resnet-50.json"),
          resnet: fixtureJson("resnet-50.json"),
          llava: fixtureJson("llava-1.5-7b-hf.json"),
        },
      },
    },
    MEDIA: { scriptName: "media-stub", bindings: { frame_jpg: fixture("frame.jpg").toString("base64"), audio_m4a: fixture("audio.m4a").toString("base64") } },
  },
  workers: [
    { name: "ai-stub", modules: true, scriptPath: "./test/stubs/ai-binding.js" },
    { name: "media-stub", modules: true, scriptPath: "./test/stubs/media-binding.js" },
  ],
};

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      projects: [
        { test: { name: "unit", include: ["test/unit/**/*.test.ts", "test/reference-provider/**/*.test.ts"], environment: "node" } },
        workerProject("worker", "test/worker/**/*.test.ts", migrations),
        // The production auth mode: only signed tokens (and the admin token) get in.
        workerProject("worker-signed", "test/worker-signed/**/*.test.ts", migrations, { AUTH_MODE: "signed" }),
        workerProject("worker-ai", "test/worker-ai/**/*.test.ts", migrations, {}, workersAiStubs),
        { test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], environment: "node", testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } },
      ],
    },
  };
});
