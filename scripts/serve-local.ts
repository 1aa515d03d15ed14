// The local service as `wrangler dev` runs it (wrangler's own dev server: local D1, R2, Queues,
// Durable Objects, cron), started through wrangler's API so that its options can be set that the
// CLI has no flag for: the inspector off. With the inspector on, wrangler asks the runtime for a
// devtools event per subrequest and writes each to its debug log file; under load that took as
// much CPU as the service itself (docs/SCALING.md). `npm start` keeps it on for devtools.
// Options come in one JSON argument (scripts/lib/local-service.ts builds it).
import { unstable_DevEnv } from "wrangler";

interface ServeOptions {
  port: number;
  persistTo?: string;
  vars: Record<string, string>;
  logLevel?: "debug" | "info" | "log" | "warn" | "error" | "none";
  inspectorPort?: number;
  /** Leave the runtime's inspector to the caller (bench/profile.ts) instead of wrangler's proxy. */
  runtimeInspector?: boolean;
}

const opts = JSON.parse(process.argv[2] ?? "{}") as ServeOptions;
const devEnv = new unstable_DevEnv();
// The runtime's own inspector address (not wrangler's proxy of it): `bench/profile.ts` records a
// CPU profile of the service's thread there. wrangler only hands it to its proxy, so it is
// caught on the way.
const onReloadComplete = devEnv.proxy.onReloadComplete.bind(devEnv.proxy);
devEnv.proxy.onReloadComplete = (event) => {
  const u = event.proxyData.userWorkerUrl;
  console.log(`Runtime address: ${u.protocol}//${u.hostname}:${u.port}`);
  const i = event.proxyData.userWorkerInspectorUrl;
  if (i && opts.runtimeInspector) {
    console.log(`Runtime inspector: ws://${i.hostname}:${i.port}${i.pathname}`);
    // The runtime serves one devtools session at a time: keep wrangler's proxy off it.
    onReloadComplete({ ...event, proxyData: { ...event.proxyData, userWorkerInspectorUrl: undefined } });
  } else onReloadComplete(event);
};
const worker = await devEnv.startWorker({
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
