// `npm run bench`: starts the service (wrangler dev, local bindings), a loopback provider with a
// fixed latency and the reference provider, then prints the figures of the issues. Figures are ratios against
// an ideal measured or computed in the same run, so they mean the same on any machine.
// `BENCH_ONLY=a,e npm run bench` runs only those sections (a a2 a3 b c d e f g).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { DEMO } from "../reference-provider/sample";
import { registerDemo } from "../scripts/lib/demo-content";
import { freePort, type LocalService, migrateLocal, startLocalService, startReferenceProviderProcess } from "../scripts/lib/local-service";
import { startTestProvider } from "../test/support/test-provider";
import { manyJobs, singleJob } from "./engine";
import { broadcastFloor, type FeedFigure, feedLatency } from "./feeds";
import { jobRowsSql } from "./job-rows";
import { ADMIN, type Bench, benchModel, caller, ms, quantile, registerContent, tagAndFollow, timeRequests } from "./lib";
import { LIVE_LATENCY_MS, liveLag } from "./live";

const STATUS_JOBS = 10_000;
const SAMPLES = 400;
const SECTIONS = ["a", "a2", "a3", "b", "c", "d", "e", "f", "g"];
const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim()).filter(Boolean);
if (only?.some((s) => !SECTIONS.includes(s))) throw new Error(`BENCH_ONLY takes ${SECTIONS.join(", ")}`);
const want = (s: string) => !only || only.includes(s);

const dir = mkdtempSync(join(tmpdir(), "tagger-bench-"));
const state = join(dir, "state");
const provider = await startTestProvider();
let service: LocalService | undefined;
let reference: LocalService | undefined;
const figures: Record<string, number | string> = {};
const report: string[] = [];
const fig = (key: string, value: number, digits = 0) => (figures[key] = Number(value.toFixed(digits)));

async function providerStats(url: string): Promise<{ workers: number; models: Record<string, { calls: number; processing_ms: number }> }> {
  return (await (await fetch(`${url}/v1/stats`)).json()) as { workers: number; models: Record<string, { calls: number; processing_ms: number }> };
}

try {
  console.log(`bench: preparing local state in ${dir}; sections ${(only ?? SECTIONS).join(" ")}`);
  migrateLocal(state);
  if (want("b")) {
    // 10,000 jobs of many users and tenants; the development user owns 1 in 100 of them.
    writeFileSync(join(dir, "jobs.sql"), jobRowsSql(STATUS_JOBS));
    const load = spawnSync("node_modules/.bin/wrangler", ["d1", "execute", "DB", "--local", "--persist-to", state, "--file", join(dir, "jobs.sql")], { encoding: "utf8", env: { ...process.env, CI: "true" } });
    if (load.status !== 0) throw new Error(`loading jobs failed: ${load.stderr}`);
  }
  reference = await startReferenceProviderProcess(await freePort());
  service = await startLocalService({
    port: await freePort(),
    persistTo: state,
    // BENCH_FEED_SHARDS: how many objects a tenant's feed sockets spread over (f); wrangler.toml's 1 by default.
    vars: { ADMIN_TOKEN: ADMIN, URL_SIGNING_KEY: "bench-signing-key", REFERENCE_PROVIDER_URL: reference.url, ...(process.env.BENCH_FEED_SHARDS ? { FEED_SHARDS: process.env.BENCH_FEED_SHARDS } : {}) },
    logLevel: "warn",
  });
  // Requests go to the runtime's own address: wrangler's dev proxy in front of it is a second
  // workerd process that relays every request, which no deployment has ((b) prints both).
  const runtimeUrl = service.runtimeUrl ?? service.url;
  const b: Bench = { url: runtimeUrl, providerUrl: provider.url, call: caller(runtimeUrl) };

  // The first job pays for compiling the Worker and opening storage: keep it out of the figures.
  await benchModel(b, "warm", 10, 8);
  await registerContent(b, "warmup", 8);
  await tagAndFollow(b, "warmup", "warm");

  if (want("a")) {
    const a = await singleJob(b, "a", 240, 8, 100);
    fig("a_wall_ms", a.run.wallMs);
    fig("a_ideal_ms", a.idealMs);
    fig("a_ratio", a.ratio, 3);
    report.push(`(a) 240 parts, concurrency 8, provider latency 100 ms
    POST /tag -> job.succeeded on its feed: ${ms(a.run.wallMs)}; ideal 240 x 100 ms / 8 = ${ms(a.idealMs)}; ratio ${a.ratio.toFixed(3)} (target <= 1.10)`);
  }
  if (want("a2")) {
    const a2 = await singleJob(b, "a2", 240, 8, 20);
    fig("a2_wall_ms", a2.run.wallMs);
    fig("a2_ratio", a2.ratio, 3);
    fig("a2_parts_per_s", a2.partsPerS, 1);
    report.push(`(a2) 240 parts, concurrency 8, provider latency 20 ms
    POST /tag -> job.succeeded on its feed: ${ms(a2.run.wallMs)}; ideal ${ms(a2.idealMs)}; ratio ${a2.ratio.toFixed(3)} (target <= 1.5); ${a2.partsPerS.toFixed(1)} parts/s`);
  }
  if (want("a3")) {
    const a3 = await manyJobs(b, "a3", 20, 24, 64, 0, 300_000);
    fig("a3_parts_per_s", a3.partsPerS, 1);
    fig("a3_wall_ms", a3.wallMs);
    fig("a3_polled_parts_per_s", (20 * 24) / (a3.polledWallMs / 1000), 1);
    report.push(`(a3) engine capacity: 20 jobs of 24 parts at once, instant provider (64 at once)
    ${a3.succeeded}/20 succeeded in ${ms(a3.wallMs)} (to the last job's recorded end): ${a3.partsPerS.toFixed(1)} parts/s${Object.keys(a3.others).length ? `; not succeeded: ${JSON.stringify(a3.others)}` : ""}
    as polled every 200 ms, as earlier benches measured it: ${ms(a3.polledWallMs)}, ${figures.a3_polled_parts_per_s} parts/s`);
  }
  if (want("c")) {
    await benchModel(b, "benchc", 100, 8);
    const toRunning: number[] = [];
    for (let i = 0; i < 6; i++) {
      await registerContent(b, `short${i}`, 8);
      toRunning.push((await tagAndFollow(b, `short${i}`, "benchc")).toRunningMs);
    }
    toRunning.sort((x, y) => x - y);
    fig("c_to_running_median_ms", quantile(toRunning, 0.5));
    fig("c_to_running_max_ms", toRunning.at(-1)!);
    report.push(`(c) POST /tag -> job.running on its feed: median ${ms(quantile(toRunning, 0.5))}, max ${ms(toRunning.at(-1)!)} over ${toRunning.length} jobs`);
  }
  if (want("b")) {
    // /job-status against a trivial route, interleaved so both see the same machine; at the
    // runtime's address (the figure) and through the dev proxy (for comparison). The jobs do not
    // change meanwhile, so /job-status answers from memory after checking its fingerprint
    // (src/api/status/job-pages.ts); `Cache-Control: no-cache` reads the page from D1 each time,
    // which is what a page that changed since the last poll costs.
    const noCache = { "cache-control": "no-cache" };
    const pair = async (at: Bench, samples: number) => {
      const paths: Array<[string, Record<string, string>?]> = [["/job-status"], ["/health"], ["/job-status?limit=1"], ["/job-status", noCache]];
      for (const [path, headers] of paths) await timeRequests(at, path, 20, headers);
      const times: number[][] = paths.map(() => []);
      for (let i = 0; i < samples; i++) for (const [k, [path, headers]] of paths.entries()) times[k]!.push(...(await timeRequests(at, path, 1, headers)));
      const [status = [], trivial = [], one = [], read = []] = times.map((t) => t.sort((x, y) => x - y));
      return { status, trivial, one, read };
    };
    const { status, trivial, one, read } = await pair(b, SAMPLES);
    const proxied = await pair({ ...b, call: caller(service.url) }, SAMPLES / 4);
    const mine = ((await (await b.call("GET", "/job-status")).json()) as { meta: { total: number } }).meta.total;
    // For comparison, sampled in turn with the two above: the page of one job, and the page read
    // from D1 (no-cache).
    fig("b_limit_1_median_ms", quantile(one, 0.5), 2);
    fig("b_read_median_ms", quantile(read, 0.5), 2);
    fig("b_read_median_ratio", quantile(read, 0.5) / quantile(trivial, 0.5), 2);
    fig("b_job_status_median_ms", quantile(status, 0.5), 2);
    fig("b_job_status_p99_ms", quantile(status, 0.99), 2);
    fig("b_trivial_median_ms", quantile(trivial, 0.5), 2);
    fig("b_trivial_p99_ms", quantile(trivial, 0.99), 2);
    fig("b_median_ratio", quantile(status, 0.5) / quantile(trivial, 0.5), 2);
    fig("b_p99_ratio", quantile(status, 0.99) / quantile(trivial, 0.99), 2);
    fig("b_proxy_median_ratio", quantile(proxied.status, 0.5) / quantile(proxied.trivial, 0.5), 2);
    report.push(`(b) GET /job-status with ${STATUS_JOBS} jobs in D1 (${mine} of them the caller's), ${SAMPLES} samples each, at the runtime's address
    /job-status median ${ms(quantile(status, 0.5))}, p99 ${ms(quantile(status, 0.99))}
    /health     median ${ms(quantile(trivial, 0.5))}, p99 ${ms(quantile(trivial, 0.99))}
    ratio median ${figures.b_median_ratio}, p99 ${figures.b_p99_ratio} (target <= 2)
    for comparison: ?limit=1 median ${ms(quantile(one, 0.5))}; the page read from D1 (Cache-Control: no-cache, as after a change) ${ms(quantile(read, 0.5))}, ratio ${figures.b_read_median_ratio}
    through wrangler's dev proxy: /job-status median ${ms(quantile(proxied.status, 0.5))}, /health ${ms(quantile(proxied.trivial, 0.5))}, ratio ${figures.b_proxy_median_ratio}`);
  }
  if (want("d")) {
    // The reference provider's real models on the sample content, one model at a time.
    await registerDemo(service.url);
    const lines: string[] = [];
    let workers = 1;
    for (const model of ["shot", "ocr"]) {
      const before = await providerStats(reference.url);
      const run = await tagAndFollow(b, DEMO.qid, model);
      if (run.status !== "succeeded") throw new Error(`${model} on the sample ended ${run.status}`);
      const after = await providerStats(reference.url);
      workers = after.workers;
      const processingMs = (after.models[model]?.processing_ms ?? 0) - (before.models[model]?.processing_ms ?? 0);
      const throughput = DEMO.duration_s / (run.wallMs / 1000);
      // The provider works on `workers` parts at once: its own time divided by that is the ideal wall time.
      const overhead = run.wallMs / (processingMs / workers);
      fig(`d_${model}_wall_ms`, run.wallMs);
      fig(`d_${model}_media_s_per_s`, throughput, 2);
      fig(`d_${model}_provider_ms`, processingMs);
      fig(`d_${model}_overhead`, overhead, 3);
      lines.push(`    ${model.padEnd(5)} wall ${ms(run.wallMs)}: ${throughput.toFixed(1)} s of media per s; provider's own time ${ms(processingMs)} / ${workers} = ${ms(processingMs / workers)}; overhead ratio ${overhead.toFixed(2)}`);
    }
    fig("d_provider_workers", workers);
    report.push(`(d) reference provider on the sample (${DEMO.duration_s} s of media, ${DEMO.duration_s / DEMO.part_duration} parts; the provider runs ${workers} at once)\n${lines.join("\n")}`);
  }
  if (want("f")) {
    // Feed latency with 1, 100 and 1000 subscribed sockets.
    await b.call("PUT", "/models/feedbench", { description: "feed bench model", type: "video", provider: { kind: "http", name: "feedbench", url: provider.url, concurrency: 1 }, default_params: { latency_ms: 200 } }, { authorization: `Bearer ${ADMIN}` });
    // At the runtime's own address (what a deployment has), and through wrangler's dev proxy for comparison.
    const routes: Array<[string, string, number[]]> = [
      ["runtime", service.runtimeUrl ?? service.url, [1, 100, 1000]],
      ["proxy", service.url, [1, 1000]],
    ];
    const lines: string[] = [];
    for (const [route, base, counts] of routes) {
      const feeds: FeedFigure[] = [];
      for (const n of counts) feeds.push(await feedLatency({ baseUrl: base, label: route, providerUrl: provider.url, call: b.call, register: (q, p) => registerContent(b, q, p) }, n));
      for (const f of feeds) {
        const key = route === "runtime" ? `f_feed_${f.sockets}` : `f_feed_proxy_${f.sockets}`;
        fig(`${key}_median_ms`, f.median);
        fig(`${key}_p99_ms`, f.p99);
      }
      lines.push(route === "runtime" ? "    at the runtime's address:" : "    through wrangler's dev proxy (for comparison; no deployment has it):");
      lines.push(...feeds.map((f) => `    ${String(f.sockets).padStart(4)} socket(s): median ${ms(f.median)}, p99 ${ms(f.p99)} over ${f.samples} events; median ${(f.median / feeds[0]!.median).toFixed(2)}x the single socket's${route === "runtime" ? " (target <= 2)" : ""}`));
    }
    // The same clients on a bare ws server with nothing else to do: this machine's floor.
    const floor = [await broadcastFloor(1), await broadcastFloor(1000)] as const;
    fig("f_floor_1_median_ms", floor[0].median);
    fig("f_floor_1000_median_ms", floor[1].median);
    fig("f_feed_1000_vs_floor", Number(figures.f_feed_1000_median_ms) / floor[1].median, 2);
    lines.push(
      "    a bare ws server in its own process sending the same two events a part to the same clients (this machine's floor):",
      ...floor.map((f) => `    ${String(f.sockets).padStart(4)} socket(s): median ${ms(f.median)}, p99 ${ms(f.p99)} over ${f.samples} events`),
      `    the engine's 1000-socket median is ${figures.f_feed_1000_vs_floor}x this floor's`,
    );
    report.push(`(f) part done at the provider -> job.progress at each subscribed socket of the tenant feed (provider 200 ms, one part at a time; ${process.env.BENCH_FEED_SHARDS ?? 1} feed object(s) per tenant)
${lines.join("\n")}`);
  }
  if (want("e")) {
    await b.call("PUT", "/models/livebench", { description: "live bench model", type: "video", provider: { kind: "http", name: "livebench", url: provider.url, concurrency: 256 }, default_params: { latency_ms: LIVE_LATENCY_MS } }, { authorization: `Bearer ${ADMIN}` });
    const counts = process.env.BENCH_LIVE_JOBS?.split(",").map(Number) ?? [1, 10, 50];
    const runs = [];
    for (const n of counts) runs.push(await liveLag(b, n));
    for (const r of runs) {
      fig(`e_live_${r.jobs}_lag_median_ms`, r.median);
      fig(`e_live_${r.jobs}_lag_p95_ms`, r.p95);
    }
    report.push(`(e) live lag: from a segment appearing in the playlist to its tags being readable (1 s segments, provider ${LIVE_LATENCY_MS} ms; bound ${runs[0]?.bound} ms, p95 within 2x of it)
${runs.map((r) => `    ${String(r.jobs).padStart(2)} live job(s): median ${ms(r.median)}, p95 ${ms(r.p95)} over ${r.samples} segments; median within bound: ${r.median <= r.bound ? "yes" : "no"}, p95 within 2x: ${r.p95 <= 2 * r.bound ? "yes" : "no"}`).join("\n")}`);
  }
  if (want("g")) {
    const g = await manyJobs(b, "g", 500, 5, 32, 100, 600_000);
    fig("g_wall_ms", g.wallMs);
    fig("g_ratio", g.wallMs / g.idealMs, 2);
    fig("g_parts_per_s", g.partsPerS, 1);
    fig("g_succeeded", g.succeeded);
    report.push(`(g) 500 jobs of 5 parts started at once (provider 100 ms, 32 at once across the jobs)
    ${g.succeeded}/500 succeeded with 5/5 parts${Object.keys(g.others).length ? `; the others: ${JSON.stringify(g.others)}` : ", none stuck"}; POST /tag median ${ms(g.startMedianMs)}
    wall ${ms(g.wallMs)} (to the last job's recorded end; ${ms(g.polledWallMs)} polled); ideal 2500 x 100 ms / 32 = ${ms(g.idealMs)}; ratio ${(g.wallMs / g.idealMs).toFixed(2)}; ${g.partsPerS.toFixed(1)} parts/s`);
  }
  console.log(`\n${report.join("\n")}\n`);
  console.log(`BENCH_JSON ${JSON.stringify(figures)}`);
} finally {
  // BENCH_LOG=file keeps the tail of wrangler's output for looking into a slow run.
  if (process.env.BENCH_LOG) writeFileSync(process.env.BENCH_LOG, service?.output() ?? "");
  await service?.stop();
  await reference?.stop();
  provider.server.close();
  rmSync(dir, { recursive: true, force: true });
}
