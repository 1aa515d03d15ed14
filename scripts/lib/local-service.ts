import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

/** A free loopback port (the OS picks it; we release it for the child to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface LocalServiceOptions {
  port: number;
  /** Where local D1/R2/DO/Queue state lives; wrangler's default when absent. */
  persistTo?: string;
  vars?: Record<string, string>;
  /** Pass wrangler's output through (npm start) or keep it for error reports (tests, bench). */
  inheritOutput?: boolean;
  readyTimeoutMs?: number;
  /** Devtools' inspector (npm start); off elsewhere, as it costs CPU per subrequest. */
  inspector?: boolean;
  /** The runtime's own inspector for the caller, whose address the output prints (bench/profile.ts). */
  runtimeInspector?: boolean;
  /** wrangler's log level; the benchmark turns per-request logging off. */
  logLevel?: "debug" | "info" | "log" | "warn" | "error" | "none";
}

export interface LocalService {
  url: string;
  /**
   * The runtime's own address, behind wrangler's dev proxy (a second workerd process that relays
   * every request and socket, and is not part of a deployment): the benchmark measures here.
   */
  runtimeUrl?: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Spawns a server process in its own process group and resolves once `${url}/health` answers;
 * stop() ends the whole group, so no grandchild (workerd, ffmpeg) outlives it.
 */
export async function startProcess(command: string, args: string[], url: string, opts: { env?: Record<string, string>; inheritOutput?: boolean; readyTimeoutMs?: number; name: string }): Promise<LocalService> {
  const child = spawn(command, args, { detached: true, stdio: opts.inheritOutput ? "inherit" : ["ignore", "pipe", "pipe"], env: { ...process.env, ...(opts.env ?? {}) } });
  let log = "";
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-20_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    const pid = child.pid;
    const kill = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        // already gone
      }
    };
    kill("SIGTERM");
    const killer = setTimeout(() => kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(killer);
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${opts.name} exited (${child.exitCode}) before it was ready:\n${log}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, process: child, output: () => log, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`${opts.name} did not answer ${url}/health in time:\n${log}`);
}

/** The reference provider as its own process (what the e2e tests and the benchmark talk to). */
export function startReferenceProviderProcess(port: number): Promise<LocalService> {
  return startProcess("node_modules/.bin/tsx", ["reference-provider/main.ts"], `http://127.0.0.1:${port}`, { name: "reference provider", env: { REFERENCE_PROVIDER_PORT: String(port) } });
}

const WRANGLER = "node_modules/.bin/wrangler";
const TSX = "node_modules/.bin/tsx";

/** Applies the D1 migrations to the local database in `persistTo`. */
export function migrateLocal(persistTo?: string): void {
  const args = ["d1", "migrations", "apply", "DB", "--local", ...(persistTo ? ["--persist-to", persistTo] : [])];
  const r = spawnSync(WRANGLER, args, { encoding: "utf8", env: { ...process.env, CI: "true" } });
  if (r.status !== 0) throw new Error(`wrangler d1 migrations apply failed:\n${r.stdout}\n${r.stderr}`);
}

/**
 * The service on loopback, run by wrangler's dev server (scripts/serve-local.ts) with local
 * D1/R2/Queues/Durable Objects; resolved once /health answers.
 */
export async function startLocalService(opts: LocalServiceOptions): Promise<LocalService> {
  const url = `http://127.0.0.1:${opts.port}`;
  const vars = { PUBLIC_BASE_URL: url, ...(opts.vars ?? {}) };
  const serve = {
    port: opts.port,
    vars,
    ...(opts.persistTo ? { persistTo: opts.persistTo } : {}),
    ...(opts.logLevel ? { logLevel: opts.logLevel } : {}),
    ...(opts.inspector || opts.runtimeInspector ? { inspectorPort: await freePort() } : {}),
    ...(opts.runtimeInspector ? { runtimeInspector: true } : {}),
  };
  // No network here: skip the request.cf lookup and telemetry instead of waiting on them.
  const env = { CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
  const service = await startProcess(TSX, ["scripts/serve-local.ts", JSON.stringify(serve)], url, { name: "wrangler dev", env, inheritOutput: opts.inheritOutput ?? false, readyTimeoutMs: opts.readyTimeoutMs ?? 60_000 });
  const runtimeUrl = /Runtime address: (\S+)/.exec(service.output())?.[1];
  return { ...service, ...(runtimeUrl ? { runtimeUrl } : {}) };
}
