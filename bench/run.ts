// `npm run bench`: starts the service (wrangler dev, local bindings), a loopback provider with a
// fixed latency and the reference provider, then prints the figures of the issues. Figures are ratios against
// an ideal measured or computed in the same run, so they mean the same on any machine.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { DEMO } from "../reference-provider/sample";
import { registerDemo } from "../scripts/lib/demo-content";
import { freePort, type LocalService, migrateLocal, startLocalService, startReferenceProviderProcess } from "../scripts/lib/local-service";
import { startTestProvider } from "../test/support/test-provider";
import { type FeedFigure, feedLatency } from "./feeds";
import { jobRowsSql } from "./job-rows";

const PARTS = 240;
const CONCURRENCY = 8;
const LATENCY_MS = 100;
const STATUS_JOBS = 10_000;
const SAMPLES = 400;
const ADMIN = "bench-admin-token";
const LIVE_JOB_COUNTS = [1, 10, 50];
const LIVE_SECONDS = 20;
const LIVE_LATENCY_MS = 100;
/** Lag is measured on at most this many of the jobs, so that measuring does not load the runtime. */
const LIVE_SAMPLED_JOBS = 5;

const dir = mkdtempSync(join(tmpdir(), "tagger-bench-"));
const state = join(dir, "state");
const provider = await startTestProvider();
let service: LocalService | undefined;
let reference: LocalService | undefined;

async function providerStats(url: string): Promise<{ workers: number; models: Record<string, { calls: number; processing_ms: number }> }> {
  return (await (await fetch(`${url}/v1/stats`)).json()) as { workers: number; models: Record<string, { calls: number; processing_ms: number }> };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (typeof body === "string") init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] = "application/json";
  }
  const res = await fetch(`${service!.url}${path}`, init);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

/** An HLS content of `parts` one-second segments, uploaded into R2 through the API. */
async function registerContent(qid: string, parts: number) {
  const playlist = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:1", ...Array.from({ length: parts }, (_, i) => `#EXTINF:1.000,\ns${i}.ts`), "#EXT-X-ENDLIST"].join("\n");
  await call("PUT", `/contents/${qid}`, { title: qid, streams: { video: { file: "v.m3u8" } } });
  await call("PUT", `/contents/${qid}/files/v.m3u8`, playlist);
  for (let i = 0; i < parts; i += 16) {
    await Promise.all(Array.from({ length: Math.min(16, parts - i) }, (_, k) => call("PUT", `/contents/${qid}/files/s${i + k}.ts`, `segment ${i + k}`)));
  }
}

/** Starts one job and follows it: when it was first seen running, and when it ended. */
async function tagAndFollow(qid: string, model = "bench"): Promise<{ toRunningMs: number; wallMs: number; status: string; tagged: string }> {
  const t0 = performance.now();
  const res = (await (await call("POST", `/${qid}/tag`, { jobs: [{ model }] })).json()) as { jobs: Array<{ started: boolean; message: string }> };
  if (!res.jobs[0]?.started) throw new Error(`job did not start: ${res.jobs[0]?.message}`);
  let toRunningMs = -1;
  for (;;) {
    const { jobs } = (await (await call("GET", `/job-status?qid=${qid}&model=${model}&limit=1`)).json()) as { jobs: Array<{ status: string; tagging_progress: string }> };
    const job = jobs[0]!;
    if (toRunningMs < 0 && job.status !== "queued") toRunningMs = performance.now() - t0;
    if (job.status === "succeeded" || job.status === "failed" || job.status === "cancelled") {
      return { toRunningMs, wallMs: performance.now() - t0, status: job.status, tagged: job.tagging_progress };
    }
    await sleep(toRunningMs < 0 ? 5 : 50);
  }
}

/**
 * Runs `n` live jobs at once on their own channels of the loopback origin (1 s segments, one per
 * part) and measures, for the segments of a few of them, the time from the segment appearing
 * in the playlist (its program date: the origin publishes it then) to its tag being readable.
 */
async function liveLag(n: number): Promise<{ jobs: number; median: number; p95: number; samples: number; bound: number }> {
  const qids = Array.from({ length: n }, (_, i) => `live${n}-${i}`);
  for (const qid of qids) {
    const res = await fetch(`${provider.url}/live/${qid}/config`, { method: "POST", body: JSON.stringify({ segment_s: 1, window: 10 }) });
    if (!res.ok) throw new Error(`live origin: ${res.status}`);
    await call("PUT", `/contents/${qid}`, { title: qid, streams: { video: { url: `${provider.url}/live/${qid}/index.m3u8` } } });
  }
  const ids = await Promise.all(
    qids.map(async (qid) => {
      const res = (await (await call("POST", `/${qid}/tag`, { options: { scope: { type: "livestream", segment_length: 1, max_duration: LIVE_SECONDS } }, jobs: [{ model: "livebench" }] })).json()) as { jobs: Array<{ job_id: string; started: boolean }> };
      if (!res.jobs[0]?.started) throw new Error(`live job on ${qid} did not start`);
      return res.jobs[0].job_id;
    }),
  );
  const sampled = qids.slice(0, LIVE_SAMPLED_JOBS);
  const firstSeen = new Map<string, number>();
  const lags: number[] = [];
  const until = Date.now() + (LIVE_SECONDS + 30) * 1000;
  for (;;) {
    for (const qid of sampled) {
      const { tags } = (await (await call("GET", `/${qid}/tags?limit=1000`)).json()) as { tags: Array<{ id: string; additional_info: { timestamp_ms?: number } | null }> };
      const now = Date.now();
      for (const t of tags) {
        if (firstSeen.has(t.id) || typeof t.additional_info?.timestamp_ms !== "number") continue;
        firstSeen.set(t.id, now);
        lags.push(now - t.additional_info.timestamp_ms);
      }
    }
    const { jobs } = (await (await call("GET", `/job-status?status=running&limit=1000`)).json()) as { jobs: Array<{ job_id: string }> };
    if (!jobs.some((j) => ids.includes(j.job_id)) || Date.now() > until) break;
    await sleep(100);
  }
  lags.sort((a, b) => a - b);
  return { jobs: n, median: quantile(lags, 0.5), p95: quantile(lags, 0.95), samples: lags.length, bound: 1000 + LIVE_LATENCY_MS + 1000 };
}

async function timeRequests(path: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await (await call("GET", path)).arrayBuffer();
    out.push(performance.now() - t);
  }
  return out;
}

try {
  console.log(`bench: preparing local state in ${dir}`);
  migrateLocal(state);
  // 10,000 jobs of many users and tenants; the development user owns 1 in 100 of them.
  writeFileSync(join(dir, "jobs.sql"), jobRowsSql(STATUS_JOBS));
  const load = spawnSync("node_modules/.bin/wrangler", ["d1", "execute", "DB", "--local", "--persist-to", state, "--file", join(dir, "jobs.sql")], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  if (load.status !== 0) throw new Error(`loading jobs failed: ${load.stderr}`);

  reference = await startReferenceProviderProcess(await freePort());
  service = await startLocalService({
    port: await freePort(),
    persistTo: state,
    vars: { ADMIN_TOKEN: ADMIN, URL_SIGNING_KEY: "bench-signing-key", REFERENCE_PROVIDER_URL: reference.url },
    logLevel: "warn",
  });
  await call("PUT", "/models/feedbench", { description: "feed bench model", type: "video", provider: { kind: "http", name: "feedbench", url: provider.url, concurrency: 1 }, default_params: { latency_ms: 200 } }, { authorization: `Bearer ${ADMIN}` });
  await call("PUT", "/models/livebench", { description: "live bench model", type: "video", provider: { kind: "http", name: "livebench", url: provider.url, concurrency: 256 }, default_params: { latency_ms: LIVE_LATENCY_MS } }, { authorization: `Bearer ${ADMIN}` });
  await call("PUT", "/models/bench", { description: "fixed-latency bench model", type: "video", provider: { kind: "http", url: provider.url, concurrency: CONCURRENCY }, default_params: { latency_ms: LATENCY_MS } }, { authorization: `Bearer ${ADMIN}` });

  // The first job pays for compiling the Worker and opening storage: keep it out of the figures.
  await registerContent("warmup", 8);
  await tagAndFollow("warmup");

  // (a) and (c): the 240-part job, then five short jobs for a steadier time-to-running figure.
  await registerContent("bench240", PARTS);
  const big = await tagAndFollow("bench240");
  if (big.status !== "succeeded") throw new Error(`the 240-part job ended ${big.status} (${big.tagged})`);
  const ideal = (PARTS * LATENCY_MS) / CONCURRENCY;
  const toRunning = [big.toRunningMs];
  for (let i = 0; i < 5; i++) {
    await registerContent(`short${i}`, 8);
    toRunning.push((await tagAndFollow(`short${i}`)).toRunningMs);
  }
  toRunning.sort((a, b) => a - b);

  // (b): /job-status against a trivial route, interleaved so both see the same machine.
  await timeRequests("/job-status", 20);
  await timeRequests("/health", 20);
  const status: number[] = [];
  const trivial: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    status.push(...(await timeRequests("/job-status", 1)));
    trivial.push(...(await timeRequests("/health", 1)));
  }
  status.sort((a, b) => a - b);
  trivial.sort((a, b) => a - b);
  const mine = ((await (await call("GET", "/job-status")).json()) as { meta: { total: number } }).meta.total;

  // (d): the reference provider's real models on the sample content, one model at a time.
  await registerDemo(service.url);
  const real: Record<string, { wallMs: number; processingMs: number; throughput: number; overhead: number; parts: string }> = {};
  let workers = 1;
  for (const model of ["shot", "ocr"]) {
    const before = await providerStats(reference.url);
    const run = await tagAndFollow(DEMO.qid, model);
    if (run.status !== "succeeded") throw new Error(`${model} on the sample ended ${run.status}`);
    const after = await providerStats(reference.url);
    workers = after.workers;
    const processingMs = (after.models[model]?.processing_ms ?? 0) - (before.models[model]?.processing_ms ?? 0);
    real[model] = {
      wallMs: run.wallMs,
      processingMs,
      throughput: DEMO.duration_s / (run.wallMs / 1000),
      // The provider works on `workers` parts at once: its own time divided by that is the ideal wall time.
      overhead: run.wallMs / (processingMs / workers),
      parts: run.tagged,
    };
  }

  // (f): feed latency with 1, 100 and 1000 subscribed sockets.
  const feeds: FeedFigure[] = [];
  for (const n of [1, 100, 1000]) feeds.push(await feedLatency({ baseUrl: service.url, providerUrl: provider.url, call, register: registerContent }, n));

  // (e): live lag and how many live jobs one local runtime sustains.
  const liveRuns: Array<{ jobs: number; median: number; p95: number; samples: number; bound: number }> = [];
  for (const n of LIVE_JOB_COUNTS) liveRuns.push(await liveLag(n));

  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const figures = {
    a_wall_ms: Math.round(big.wallMs),
    a_ideal_ms: ideal,
    a_ratio: Number((big.wallMs / ideal).toFixed(3)),
    b_job_status_median_ms: Number(quantile(status, 0.5).toFixed(2)),
    b_job_status_p99_ms: Number(quantile(status, 0.99).toFixed(2)),
    b_trivial_median_ms: Number(quantile(trivial, 0.5).toFixed(2)),
    b_trivial_p99_ms: Number(quantile(trivial, 0.99).toFixed(2)),
    b_median_ratio: Number((quantile(status, 0.5) / quantile(trivial, 0.5)).toFixed(2)),
    b_p99_ratio: Number((quantile(status, 0.99) / quantile(trivial, 0.99)).toFixed(2)),
    c_to_running_median_ms: Math.round(quantile(toRunning, 0.5)),
    c_to_running_max_ms: Math.round(toRunning.at(-1)!),
    ...Object.fromEntries(liveRuns.flatMap((r) => [[`e_live_${r.jobs}_lag_median_ms`, Math.round(r.median)], [`e_live_${r.jobs}_lag_p95_ms`, Math.round(r.p95)]])),
    ...Object.fromEntries(feeds.flatMap((f) => [[`f_feed_${f.sockets}_median_ms`, Math.round(f.median)], [`f_feed_${f.sockets}_p99_ms`, Math.round(f.p99)]])),
    d_provider_workers: workers,
    ...Object.fromEntries(
      Object.entries(real).flatMap(([m, r]) => [
        [`d_${m}_wall_ms`, Math.round(r.wallMs)],
        [`d_${m}_media_s_per_s`, Number(r.throughput.toFixed(2))],
        [`d_${m}_provider_ms`, r.processingMs],
        [`d_${m}_overhead`, Number(r.overhead.toFixed(3))],
      ]),
    ),
  };
  console.log(`
(a) ${PARTS} parts, concurrency ${CONCURRENCY}, provider latency ${LATENCY_MS} ms
    POST /tag -> succeeded: ${ms(big.wallMs)}; ideal ${PARTS} x ${LATENCY_MS} ms / ${CONCURRENCY} = ${ms(ideal)}; ratio ${figures.a_ratio} (target <= 1.10)
(b) GET /job-status with ${STATUS_JOBS} jobs in D1 (${mine} of them the caller's), ${SAMPLES} samples each
    /job-status median ${ms(quantile(status, 0.5))}, p99 ${ms(quantile(status, 0.99))}
    /health     median ${ms(quantile(trivial, 0.5))}, p99 ${ms(quantile(trivial, 0.99))}
    ratio median ${figures.b_median_ratio}, p99 ${figures.b_p99_ratio} (target <= 2)
(c) POST /tag -> first "running" in /job-status: median ${ms(quantile(toRunning, 0.5))}, max ${ms(toRunning.at(-1)!)} over ${toRunning.length} jobs
(d) reference provider on the sample (${DEMO.duration_s} s of media, ${DEMO.duration_s / DEMO.part_duration} parts; the provider runs ${workers} at once)
${Object.entries(real)
  .map(([m, r]) => `    ${m.padEnd(5)} wall ${ms(r.wallMs)}: ${r.throughput.toFixed(1)} s of media per s; provider's own time ${ms(r.processingMs)} / ${workers} = ${ms(r.processingMs / workers)}; overhead ratio ${r.overhead.toFixed(2)}`)
  .join("\n")}
(f) part done at the provider -> job.progress at each subscribed socket of the tenant feed (provider 200 ms, one part at a time)
${feeds.map((f) => `    ${String(f.sockets).padStart(4)} socket(s): median ${ms(f.median)}, p99 ${ms(f.p99)} over ${f.samples} events; median ${(f.median / feeds[0]!.median).toFixed(2)}x the single socket's (target <= 2)`).join("\n")}
(e) live lag: from a segment appearing in the playlist to its tags being readable (1 s segments, provider ${LIVE_LATENCY_MS} ms; bound ${liveRuns[0]?.bound} ms)
${liveRuns.map((r) => `    ${String(r.jobs).padStart(2)} live job(s): median ${ms(r.median)}, p95 ${ms(r.p95)} over ${r.samples} segments; median within bound: ${r.median <= r.bound ? "yes" : "no"}`).join("\n")}
`);
  console.log(`BENCH_JSON ${JSON.stringify(figures)}`);
} finally {
  // BENCH_LOG=file keeps the tail of wrangler's output for looking into a slow run.
  if (process.env.BENCH_LOG) writeFileSync(process.env.BENCH_LOG, service?.output() ?? "");
  await service?.stop();
  await reference?.stop();
  provider.server.close();
  rmSync(dir, { recursive: true, force: true });
}
