import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import chromium, { inflate, setupLambdaEnvironment } from "@sparticuz/chromium";

/**
 * A headless Chromium from the npm registry (@sparticuz/chromium ships the binary and the few
 * shared libraries it needs, compressed, inside the package), so the browser test needs nothing
 * but `npm ci`. The package unpacks them into the temporary folder on first use; its libraries
 * are put on the library path for the process it launches.
 */
export async function browserExecutable(): Promise<string> {
  const bin = join(dirname(createRequire(import.meta.url).resolve("@sparticuz/chromium")), "..", "..", "bin");
  setupLambdaEnvironment(join(await inflate(join(bin, "al2023.tar.br")), "lib"));
  return chromium.executablePath(bin);
}

// Headless, and quiet on a machine with no network (see the developers' guide).
export const BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
