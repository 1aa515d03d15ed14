import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Copies the dashboard's player (hls.js, from npm) next to its files; nothing is fetched at run time. */
export function vendorAssets(): void {
  const dir = join(root, "public", "ui", "vendor");
  mkdirSync(dir, { recursive: true });
  copyFileSync(require.resolve("hls.js/dist/hls.min.js"), join(dir, "hls.min.js"));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) vendorAssets();
