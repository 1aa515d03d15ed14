// `npm run bench:profile`: a CPU profile of the service's thread under the (a3) load (20 jobs of 24
// parts at once, instant provider), or with `-- f` under (f)'s (one job's events to 1000 sockets
// of its tenant's feed) or `-- b` under (b)'s (GET /job-status, 10,000 jobs in D1), taken from the runtime's own inspector. Prints where the
// thread's time went (self time by function and by module) and writes the .cpuprofile, which
// Chrome's devtools open. With the inspector on, wrangler asks for a devtools event per
// subrequest, so the figures here are slower than `npm run bench`; the shares are what count.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { freePort, migrateLocal, startLocalService } from "../scripts/lib/local-service";
import { startTestProvider } from "../test/support/test-provider";
import { prepareManyJobs } from "./engine";
import { feedLatency } from "./feeds";
import { jobRowsSql } from "./job-rows";
import { ADMIN, type Bench, benchModel, caller, registerContent, sleep, tagAndFollow, timeRequests } from "./lib";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One devtools session on the runtime's inspector: send a method, await its result. */
async function devtools(url: string): Promise<{ send: (method: string, params?: object) => Promise<unknown>; close: () => void }> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let next = 1;
  const waiting = new Map<number, (r: unknown) => void>();
  ws.on("message", (data) => {
    const m = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (m.id !== undefined) waiting.get(m.id)?.(m.result ?? m);
  });
  return {
    send: (method, params = {}) =>
      new Promise((resolve) => {
        const id = next++;
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

/** Self time per key (function or module), in ms, from a profile's samples. */
function selfTime(p: Profile, key: (n: ProfileNode) => string): Array<[string, number]> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const k = key(byId.get(id)!);
    totals.set(k, (totals.get(k) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/**
 * The dev server's bundle (the newest in .wrangler/tmp), kept beside the profile: a line of it
 * maps to the source module whose `// path` comment esbuild wrote above it.
 */
function bundleModules(): (line: number) => string {
  const tmp = ".wrangler/tmp";
  const newest = readdirSync(tmp)
    .filter((d) => d.startsWith("dev-"))
    .map((d) => join(tmp, d, "index.js"))
    .filter((f) => statSync(f, { throwIfNoEntry: false }))
    .sort((x, y) => statSync(y).mtimeMs - statSync(x).mtimeMs)[0];
  if (!newest) return (line) => `index.js:${line + 1}`;
  copyFileSync(newest, join(dir, "bundle.js"));
  const lines = readFileSync(newest, "utf8").split("\n");
  return (line) => {
    for (let i = line; i >= 0; i--) {
      const m = /^\/\/ ((?:src|node_modules)\/\S+)/.exec(lines[i] ?? "");
      if (m) return `${m[1]} (bundle line ${line + 1})`;
    }
    return `index.js:${line + 1}`;
  };
}

const short = (url: string) => url.replace(/^.*\/(node_modules\/)/, "$1").replace(/^.*\/(src\/)/, "$1") || "(runtime)";

const dir = mkdtempSync(join(tmpdir(), "tagger-profile-"));
migrateLocal(join(dir, "state"));
const section = process.argv[2] ?? "a3";
if (!["a3", "b", "f"].includes(section)) throw new Error("bench:profile takes a3 (the default), b or f");
if (section === "b") {
  writeFileSync(join(dir, "jobs.sql"), jobRowsSql(10_000));
  const load = spawnSync("node_modules/.bin/wrangler", ["d1", "execute", "DB", "--local", "--persist-to", join(dir, "state"), "--file", join(dir, "jobs.sql")], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  if (load.status !== 0) throw new Error(`loading jobs failed: ${load.stderr}`);
}
const provider = await startTestProvider();
const service = await startLocalService({ port: await freePort(), persistTo: join(dir, "state"), vars: { ADMIN_TOKEN: ADMIN, URL_SIGNING_KEY: "bench-signing-key" }, logLevel: "warn", runtimeInspector: true });
try {
  let inspector: string | undefined;
  for (let i = 0; i < 40 && !inspector; i++, await sleep(250)) inspector = /Runtime inspector: (\S+)/.exec(service.output())?.[1];
  if (!inspector) throw new Error(`the service printed no runtime inspector address:\n${service.output()}`);
  const b: Bench = { url: service.url, providerUrl: provider.url, call: caller(service.url) };
  await benchModel(b, "warm", 10, 8);
  await registerContent(b, "warmup", 8);
  await tagAndFollow(b, "warmup", "warm");

  const session = await devtools(inspector);
  const profiled = async <T>(work: () => Promise<T>): Promise<T> => {
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: 200 });
    await session.send("Profiler.start");
    return work();
  };
  let summary: string;
  let parts: number;
  if (section === "a3") {
    const run = await prepareManyJobs(b, "profile", 20, 24, 64, 0);
    const figure = await profiled(() => run(300_000));
    summary = `(a3) under the profiler: ${figure.succeeded}/20 jobs, ${figure.partsPerS.toFixed(1)} parts/s`;
    parts = 20 * 24;
  } else if (section === "b") {
    const at = { ...b, url: service.runtimeUrl ?? service.url, call: caller(service.runtimeUrl ?? service.url) };
    const samples = await profiled(() => timeRequests(at, "/job-status", 400));
    samples.sort((x, y) => x - y);
    summary = `(b) under the profiler: 400 x GET /job-status, median ${samples[200]!.toFixed(2)} ms`;
    parts = 400;
  } else {
    await b.call("PUT", "/models/feedbench", { description: "feed bench model", type: "video", provider: { kind: "http", name: "feedbench", url: provider.url, concurrency: 1 }, default_params: { latency_ms: 200 } }, { authorization: `Bearer ${ADMIN}` });
    const f = await profiled(() => feedLatency({ baseUrl: service.runtimeUrl ?? service.url, label: "profile", providerUrl: provider.url, call: b.call, register: (q, p) => registerContent(b, q, p) }, 1000));
    summary = `(f) under the profiler: 1000 sockets, median ${f.median} ms, p99 ${f.p99} ms over ${f.samples} events`;
    parts = 15;
  }
  const { profile } = (await session.send("Profiler.stop")) as { profile: Profile };
  session.close();

  const file = join(dir, `${section}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const sourceOf = bundleModules();
  const where = (n: ProfileNode) => (n.callFrame.url === "index.js" ? sourceOf(n.callFrame.lineNumber) : short(n.callFrame.url));
  const total = profile.timeDeltas.reduce((s, d) => s + d, 0) / 1000;
  const idle = selfTime(profile, (n) => n.callFrame.functionName).find(([k]) => k === "(idle)")?.[1] ?? 0;
  const pct = (x: number) => `${((100 * x) / total).toFixed(1).padStart(5)} %`;
  console.log(`${summary}; ${total.toFixed(0)} ms profiled, ${pct(idle)} idle; ${((total - idle) / parts).toFixed(2)} ms of the thread per part`);
  console.log("\nSelf time by module:");
  for (const [k, t] of selfTime(profile, (n) => where(n).replace(/ \(bundle line \d+\)$/, "")).slice(0, 25)) console.log(`  ${pct(t)}  ${k}`);
  console.log("\nSelf time by function:");
  for (const [k, t] of selfTime(profile, (n) => `${n.callFrame.functionName || "(anonymous)"}  ${where(n)}`).slice(0, 40)) console.log(`  ${pct(t)}  ${k}`);
  console.log(`\nprofile: ${file}`);
} finally {
  await service.stop();
  provider.server.close();
}
