// The local service as `wrangler dev` runs it (wrangler's own dev server: local D1, R2, Queues,
// Durable Objects, cron), started through wrangler's API so that its options can be set that the
// CLI has no flag for: the inspector off. With the inspector on, wrangler asks the runtime for a
// devtools event per subrequest and writes each to its debug log file; under load that took as
// much CPU as the service itself (docs/SCALING.md). `npm start` keeps it on for devtools.
// Options come in one JSON argument (scripts/lib/local-service.ts builds it).
import { unstable_startWorker } from "wrangler";

interface ServeOptions {
  port: number;
  persistTo?: string;
  vars: Record<string, string>;
  logLevel?: "debug" | "info" | "log" | "warn" | "error" | "none";
  inspectorPort?: number;
}

const opts = JSON.parse(process.argv[2] ?? "{}") as ServeOptions;
const worker = await unstable_startWorker({
  config: "wrangler.toml",
  bindings: Object.fromEntries(Object.entries(opts.vars).map(([k, v]) => [k, { type: "plain_text" as const, value: v }])),
  dev: {
    server: { hostname: "127.0.0.1", port: opts.port },
    inspector: opts.inspectorPort ? { hostname: "127.0.0.1", port: opts.inspectorPort } : false,
    ...(opts.persistTo ? { persist: opts.persistTo } : {}),
    logLevel: opts.logLevel ?? "log",
    watch: false,
    liveReload: false,
    testScheduled: true,
  },
});
await worker.ready;
console.log(`Ready on ${(await worker.url).toString()}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await worker.dispose();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
