// `npm start`: local D1 migrations, development secrets, then `wrangler dev` with local
// D1/R2/Queues/Durable Objects and the cron trigger enabled for manual runs.
import { spawnSync, spawn } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";

const wrangler = "node_modules/.bin/wrangler";
if (!existsSync(".dev.vars")) copyFileSync(".dev.vars.example", ".dev.vars");
const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local"], { stdio: "inherit", env: { ...process.env, CI: "true" } });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);
const port = process.env.PORT ?? "8787";
const dev = spawn(wrangler, ["dev", "--ip", "127.0.0.1", "--port", port, "--test-scheduled", "--var", `PUBLIC_BASE_URL:http://127.0.0.1:${port}`], { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => dev.kill(sig));
dev.on("exit", (code) => process.exit(code ?? 0));
