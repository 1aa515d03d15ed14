// `npm start`: development secrets, local D1 migrations, the reference provider, `wrangler dev`
// with local D1/R2/Queues/Durable Objects, and the sample content `demo` registered.
import { copyFileSync, existsSync } from "node:fs";
import { startReferenceProvider } from "../reference-provider/server";
import { registerDemo } from "./lib/demo-content";
import { migrateLocal, startLocalService } from "./lib/local-service";
import { vendorAssets } from "./vendor-assets";

if (!existsSync(".dev.vars")) copyFileSync(".dev.vars.example", ".dev.vars");
vendorAssets();
migrateLocal();
const providerPort = Number(process.env.REFERENCE_PROVIDER_PORT ?? 8790);
const provider = await startReferenceProvider({ port: providerPort, log: (l) => console.log(`[reference-provider] ${l}`) });
console.log(`[reference-provider] listening on ${provider.url}`);

const port = Number(process.env.PORT ?? 8787);
const service = await startLocalService({ port, inheritOutput: true, inspector: true, readyTimeoutMs: 120_000, vars: { REFERENCE_PROVIDER_URL: provider.url } });
await registerDemo(service.url);
console.log(`
Ready: the API is at ${service.url}, the dashboard at ${service.url}/ui/, the sample content "demo" is registered. Try:
  curl -X POST ${service.url}/demo/tag -H 'content-type: application/json' -d '{"jobs":[{"model":"shot"}]}'
  curl ${service.url}/demo/job-status
  curl '${service.url}/demo/tags?track=shot_detection'
`);

const shutdown = async () => {
  await service.stop();
  provider.server.close();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
service.process.once("exit", (code) => {
  provider.server.close();
  process.exit(code ?? 0);
});
