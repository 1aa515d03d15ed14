import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";

/**
 * Feed latency: from a part's completion at the provider to the matching job.progress event at
 * subscribed sockets of the tenant feed, with 1, 100 and 1000 sockets open at once. The sockets
 * are `ws` clients: a thousand of Node's built-in WebSocket in one process took longer to read
 * an event than the service took to send it, which measured the client.
 */
interface Opts {
  baseUrl: string;
  /** Tells this run's content from another's with the same number of sockets. */
  label: string;
  providerUrl: string;
  call: (method: string, path: string, body?: unknown) => Promise<Response>;
  register: (qid: string, parts: number) => Promise<void>;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

export interface FeedFigure {
  sockets: number;
  median: number;
  p99: number;
  samples: number;
}

export async function feedLatency(o: Opts, sockets: number, parts = 15): Promise<FeedFigure> {
  const qid = `feedbench${o.label}${sockets}`;
  await o.register(qid, parts);
  const url = `${o.baseUrl.replace(/^http/, "ws")}/feed?qid=${qid}`;
  // Per socket, when each value of tagged_parts first arrived.
  const arrivals: Array<Map<number, number>> = [];
  let ready = 0;
  const open: WebSocket[] = [];
  // Open in waves, so the local runtime is not asked for a thousand upgrades in one instant.
  for (let i = 0; i < sockets; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, sockets - i) }, () => new Promise<void>((resolve, reject) => {
        // Without permessage-deflate, as a deployment answers (wrangler.toml: no_web_socket_compression).
        // Locally miniflare's own entry worker negotiates it whatever the Worker's flags, and
        // deflating each event once per socket was most of what 1000 sockets cost.
        const ws = new WebSocket(url, { perMessageDeflate: false });
        open.push(ws);
        const mine = new Map<number, number>();
        arrivals.push(mine);
        ws.on("message", (data) => {
          const e = JSON.parse(String(data)) as { type: string; data?: { tagged_parts?: number } };
          if (e.type === "snapshot") {
            ready++;
            resolve();
          } else if (e.type === "job.progress" && e.data?.tagged_parts && !mine.has(e.data.tagged_parts)) mine.set(e.data.tagged_parts, Date.now());
        });
        ws.on("error", () => reject(new Error("feed socket failed")));
      })),
    );
  }
  if (ready !== sockets) throw new Error(`only ${ready} of ${sockets} sockets got their snapshot`);
  const res = (await (await o.call("POST", `/${qid}/tag`, { jobs: [{ model: "feedbench" }] })).json()) as { jobs: Array<{ started: boolean }> };
  if (!res.jobs[0]?.started) throw new Error("feed bench job did not start");
  for (;;) {
    const { jobs } = (await (await o.call("GET", `/${qid}/job-status`)).json()) as { jobs: Array<{ status: string }> };
    if (jobs[0]?.status === "succeeded") break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 500));
  const calls = ((await (await fetch(`${o.providerUrl}/calls?model=feedbench`)).json()) as { calls: Array<{ media: { url: string }; done_at?: number }> }).calls;
  // This content's calls, in the order they finished: the k-th finish is tagged_parts = k.
  // Runs are one after another: the last `parts` calls to finish are this run's, in order.
  const done = calls.map((c) => c.done_at ?? 0).filter((t) => t > 0).sort((a, b) => a - b).slice(-parts);
  const lat = arrivals
    .flatMap((m) => [...m].filter(([k]) => done[k - 1] !== undefined).map(([k, at]) => at - done[k - 1]!))
    .sort((a, b) => a - b);
  for (const ws of open) ws.close();
  return { sockets, median: quantile(lat, 0.5), p99: quantile(lat, 0.99), samples: lat.length };
}

/**
 * The floor of (f) on this machine: the same `ws` clients on a bare `ws` server in its own
 * process, which sends each part's two events to every socket with nothing else to do. The best a
 * server could reach here with this client; the engine's figure is read against it too.
 */
export async function broadcastFloor(sockets: number, parts = 15): Promise<FeedFigure> {
  const server = fork(fileURLToPath(new URL("./broadcast-server.mjs", import.meta.url)), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    const { port } = await new Promise<{ port: number }>((resolve, reject) => {
      server.once("message", (m) => (typeof m === "object" && m !== null && "port" in m && typeof m.port === "number" ? resolve({ port: m.port }) : reject(new Error("the floor server sent no port"))));
      server.once("error", reject);
    });
    const lat: number[] = [];
    const open: WebSocket[] = [];
    for (let i = 0; i < sockets; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, sockets - i) }, () => new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
          open.push(ws);
          ws.on("message", (data) => {
            // The messages of broadcast-server.mjs, whose shape this file knows.
            const e = JSON.parse(String(data)) as { type: string; at: number };
            if (e.type === "job.progress") lat.push(Date.now() - e.at);
          });
          ws.on("open", () => resolve());
          ws.on("error", () => reject(new Error("floor socket failed")));
        })),
      );
    }
    // 200 ms apart, as the engine's parts are.
    for (let part = 1; part <= parts; part++) {
      server.send({ part, pad: 300 });
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const ws of open) ws.close();
    lat.sort((a, b) => a - b);
    return { sockets, median: quantile(lat, 0.5), p99: quantile(lat, 0.99), samples: lat.length };
  } finally {
    server.send({ stop: true });
  }
}
