import { readFileSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { PUBLIC_TEST_HOSTS } from "./test/support/hostile-origin.ts";

// The plugin reads wrangler.toml, whose [secrets] (declared for the generated types) makes
// wrangler warn that the field is experimental and that the secrets are missing, once per
// project; tests bind the secrets themselves, so only wrangler's errors are shown here.
process.env.WRANGLER_LOG ??= "error";

type D1Migrations = Awaited<ReturnType<typeof readD1Migrations>>;

type Inject = (key: "testProviderUrl") => string;

/** A project running in workerd with the real local D1/R2/DO/Queues of wrangler.toml. */
function workerProject(
  name: string,
  include: string,
  migrations: D1Migrations,
  vars: Record<string, string> | ((inject: Inject) => Record<string, string>) = {},
  extra: Record<string, unknown> | ((inject: Inject) => Record<string, unknown>) = {},
) {
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
            CREDENTIALS_KEY: "test-credentials-key",
            FABRIC_TIMEOUT_S: "2",
            PUBLIC_BASE_URL: "http://tagger.test",
            ...(typeof vars === "function" ? vars(inject) : vars),
          },
          ...(typeof extra === "function" ? extra(inject) : extra),
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
          llamaSummary: fixtureJson("llama-3.1-8b-instruct-fast.summary.json"),
          llamaTopics: fixtureJson("llama-3.1-8b-instruct-fast.topics.json"),
          llamaVision: fixtureJson("llama-3.2-11b-vision-instruct.json"),
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

/**
 * The production-like security project has no network: requests to the made-up public hosts of
 * test/support/hostile-origin.ts go to the loopback test provider (as if DNS had said so), and the
 * Worker's own requests to the test provider (the DoH resolver) pass through.
 */
function publicHostsVia(providerUrl: string) {
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const target = PUBLIC_TEST_HOSTS.includes(url.hostname) ? new URL(`${url.pathname}${url.search}`, providerUrl) : url.origin === providerUrl ? url : null;
    if (!target) return new Response("no network in tests", { status: 502 });
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    return fetch(target, { method: request.method, headers: request.headers, body, redirect: "manual" });
  };
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      projects: [
        { test: { name: "unit", include: ["test/unit/**/*.test.ts", "test/reference-provider/**/*.test.ts"], environment: "node" } },
        // Feeds sharded (the TenantFeed and two FeedShards), so every feed test runs through shards;
        // the other projects and the e2e tests keep the default of one object per tenant.
        workerProject("worker", "test/worker/**/*.test.ts", migrations, { FEED_SHARDS: "3" }),
        // The production auth mode: only signed tokens (and the admin token) get in.
        workerProject("worker-signed", "test/worker-signed/**/*.test.ts", migrations, { AUTH_MODE: "signed" }),
        workerProject("worker-ai", "test/worker-ai/**/*.test.ts", migrations, { WEBHOOK_RETRY_DELAYS_S: "1,1,1" }, workersAiStubs),
        // test/security: the local configuration, then the production one (signed tokens, no
        // private addresses, names resolved through a DoH resolver), then one missing a secret.
        workerProject("security", "test/security/*.test.ts", migrations),
        workerProject("security-prod", "test/security/prod/**/*.test.ts", migrations, (inject) => ({
          AUTH_MODE: "signed",
          ALLOW_PRIVATE_SOURCES: "false",
          DNS_RESOLVER_URL: `${inject("testProviderUrl")}/dns-query`,
          CORS_ORIGINS: "https://app.example.com, https://admin.example.com",
        }), (inject) => ({ outboundService: publicHostsVia(inject("testProviderUrl")) })),
        workerProject("security-unconfigured", "test/security/unconfigured/**/*.test.ts", migrations, { URL_SIGNING_KEY: "" }),
        { test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], environment: "node", testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } },
      ],
    },
  };
});
