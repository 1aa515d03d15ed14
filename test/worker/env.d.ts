import "vitest";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
      TEST_PROVIDER_URL: string;
    }
  }
}

declare module "vitest" {
  interface ProvidedContext {
    testProviderUrl: string;
  }
}
