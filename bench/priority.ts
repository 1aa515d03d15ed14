// `npm run bench:priority`: how much a high-priority job gains at a saturated provider. A
// provider with 2 slots and a fixed 200 ms latency is kept busy by 6 low-priority jobs of 30
// parts; a 10-part job then runs once at standard and once at high priority. Printed: each run's
// wall time against the same job's on the idle provider (the ideal, measured in the same run).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type LocalService, migrateLocal, startLocalService } from "../scripts/lib/local-service";
import { startTestProvider } from "../test/support/test-provider";

const ADMIN = "bench-admin-token";
const SLOTS = 2;
const LATENCY_MS = 200;
const LOW_JOBS = 6;
const LOW_PARTS = 30;
const PROBE_PARTS = 10;

const dir = mkdtempSync(join(tmpdir(), "tagger-bench-priority-"));
const provider = await startTestProvider();
let service: LocalService | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${service!.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

async function content(qid: string, parts: number) {
  const playlist = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:1", ...Array.from({ length: parts }, (_, i) => `#EXTINF:1.000,\ns${i}.ts`), "#EXT-X-ENDLIST"].join("\n");
  await call("PUT", `/contents/${qid}`, { title: qid, tenant: "dev", streams: { video: { file: "v.m3u8" } } });
  await call("PUT", `/contents/${qid}/files/v.m3u8`, playlist);
  for (let i = 0; i < parts; i += 16) await Promise.all(Array.from({ length: Math.min(16, parts - i) }, (_, k) => call("PUT", `/contents/${qid}/files/s${i + k}.ts`, `segment ${i + k}`)));
}

async function run(qid: string, model: string, priority: string): Promise<string> {
  const res = (await (await call("POST", `/${qid}/tag?tenant=dev`, { options: { priority }, jobs: [{ model }] })).json()) as { jobs: Array<{ job_id: string; started: boolean; message: string }> };
  if (!res.jobs[0]?.started) throw new Error(`${qid}: ${res.jobs[0]?.message}`);
  return res.jobs[0].job_id;
}

async function until(qid: string, jobId: string): Promise<string> {
  for (;;) {
    const { jobs } = (await (await call("GET", `/${qid}/job-status`)).json()) as { jobs: Array<{ job_id: string; status: string }> };
    const job = jobs.find((j) => j.job_id === jobId)!;
    if (["succeeded", "failed", "cancelled"].includes(job.status)) return job.status;
    await sleep(50);
  }
}

/** The probe job's wall time while the low jobs keep the provider saturated. */
async function probe(priority: string, round: number): Promise<number> {
  const low = [];
  for (let i = 0; i < LOW_JOBS; i++) {
    await content(`low${round}-${i}`, LOW_PARTS);
    low.push({ qid: `low${round}-${i}`, id: await run(`low${round}-${i}`, `low${i}`, "low") });
  }
  await sleep(2000); // the low jobs fill the slots and the line
  await content(`probe${round}`, PROBE_PARTS);
  const t0 = performance.now();
  const status = await until(`probe${round}`, await run(`probe${round}`, "probe", priority));
  const wall = performance.now() - t0;
  if (status !== "succeeded") throw new Error(`probe at ${priority} ended ${status}`);
  for (const l of low) await call("POST", `/${l.qid}/stop`);
  for (const l of low) await until(l.qid, l.id);
  return wall;
}

try {
  migrateLocal(join(dir, "state"));
  service = await startLocalService({ port: await freePort(), persistTo: join(dir, "state"), vars: { ADMIN_TOKEN: ADMIN, URL_SIGNING_KEY: "bench-signing-key", REFERENCE_PROVIDER_URL: "" }, logLevel: "warn" });
  await call("PUT", "/tenants/dev", { name: "Development" });
  // One provider shared by every job; each model is a job of its own on it.
  const shared = { kind: "http", name: "saturated", url: provider.url, concurrency: SLOTS };
  for (const name of ["probe", ...Array.from({ length: LOW_JOBS }, (_, i) => `low${i}`)]) await call("PUT", `/models/${name}`, { type: "video", provider: shared, default_params: { latency_ms: LATENCY_MS } });
  // Warm-up: the first job pays for compiling the Worker.
  await content("warm", 2);
  await until("warm", await run("warm", "probe", "standard"));

  const idle = await (async () => {
    await content("idle", PROBE_PARTS);
    const t0 = performance.now();
    await until("idle", await run("idle", "probe", "standard"));
    return performance.now() - t0;
  })();
  const standard = await probe("standard", 1);
  const high = await probe("high", 2);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`
Priority at a saturated provider (${SLOTS} slots, ${LATENCY_MS} ms per part; ${LOW_JOBS} low-priority jobs of ${LOW_PARTS} parts keep it busy)
  a ${PROBE_PARTS}-part job on the idle provider:        ${s(idle)} (the ideal)
  the same job, standard priority, saturated:  ${s(standard)}  = ${(standard / idle).toFixed(2)} x ideal
  the same job, high priority, saturated:      ${s(high)}  = ${(high / idle).toFixed(2)} x ideal  (${(standard / high).toFixed(2)} x faster than standard)`);
} finally {
  await service?.stop();
  provider.server.close();
  rmSync(dir, { recursive: true, force: true });
}
