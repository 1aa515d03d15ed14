import WebSocket from "ws";
/** What every bench section shares: the running service, its API, and figures from samples. */
export interface Bench {
  url: string;
  providerUrl: string;
  call: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>;
}

export const ADMIN = "bench-admin-token";
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

export function caller(url: string): Bench["call"] {
  return async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (typeof body === "string") init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
    const res = await fetch(`${url}${path}`, init);
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res;
  };
}

/** A bench model on the loopback provider: `latency_ms` per part, `concurrency` parts at once at its provider (and so per job). */
export async function benchModel(b: Bench, name: string, latencyMs: number, concurrency: number): Promise<void> {
  await b.call(
    "PUT",
    `/models/${name}`,
    { description: `bench model, ${latencyMs} ms a part`, type: "video", provider: { kind: "http", name, url: b.providerUrl, concurrency }, default_params: { latency_ms: latencyMs } },
    { authorization: `Bearer ${ADMIN}` },
  );
}

/** An HLS content of `parts` one-second segments, uploaded into R2 through the API. */
export async function registerContent(b: Bench, qid: string, parts: number): Promise<void> {
  const playlist = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:1", ...Array.from({ length: parts }, (_, i) => `#EXTINF:1.000,\ns${i}.ts`), "#EXT-X-ENDLIST"].join("\n");
  await b.call("PUT", `/contents/${qid}`, { title: qid, streams: { video: { file: "v.m3u8" } } });
  await b.call("PUT", `/contents/${qid}/files/v.m3u8`, playlist);
  for (let i = 0; i < parts; i += 16) {
    await Promise.all(Array.from({ length: Math.min(16, parts - i) }, (_, k) => b.call("PUT", `/contents/${qid}/files/s${i + k}.ts`, `segment ${i + k}`)));
  }
}

export interface JobRun {
  toRunningMs: number;
  wallMs: number;
  status: string;
  tagged: string;
}

/**
 * Starts one job and follows it on its pair's feed: when it went running, and when it ended, at
 * the moment the engine says so (polling /job-status would add up to its interval to the figure,
 * and load the engine). A slow poll stands by in case the socket fails; the last status is read
 * from /job-status, as a client of the Tagger API reads it.
 */
export async function tagAndFollow(b: Bench, qid: string, model: string): Promise<JobRun> {
  const ws = new WebSocket(`${b.url.replace(/^http/, "ws")}/${qid}/feed/${model}`, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let t0 = 0;
  let toRunningMs = -1;
  let endedAt = -1;
  const ended = new Promise<void>((resolve) => {
    ws.on("message", (data) => {
      const e = JSON.parse(String(data)) as { type: string };
      if (e.type === "job.running" && toRunningMs < 0) toRunningMs = performance.now() - t0;
      if (e.type === "job.succeeded" || e.type === "job.failed" || e.type === "job.cancelled") {
        endedAt = performance.now();
        resolve();
      }
    });
  });
  const status = async () => ((await (await b.call("GET", `/job-status?qid=${qid}&model=${model}&limit=1`)).json()) as { jobs: Array<{ status: string; tagging_progress: string }> }).jobs[0]!;
  try {
    t0 = performance.now();
    const res = (await (await b.call("POST", `/${qid}/tag`, { jobs: [{ model }] })).json()) as { jobs: Array<{ started: boolean; message: string }> };
    if (!res.jobs[0]?.started) throw new Error(`job did not start: ${res.jobs[0]?.message}`);
    let polled = false;
    const poll = (async () => {
      while (endedAt < 0) {
        await sleep(1000);
        if (endedAt < 0 && ["succeeded", "failed", "cancelled"].includes((await status()).status)) {
          endedAt = performance.now();
          polled = true;
        }
      }
    })();
    await Promise.race([ended, poll]);
    if (polled) console.warn(`bench: the feed of ${qid}/${model} did not tell the end; the figure is the poll's`);
    for (;;) {
      const job = await status();
      if (["succeeded", "failed", "cancelled"].includes(job.status)) return { toRunningMs, wallMs: endedAt - t0, status: job.status, tagged: job.tagging_progress };
      await sleep(20);
    }
  } finally {
    ws.close();
  }
}

export async function timeRequests(b: Bench, path: string, n: number, headers?: Record<string, string>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await (await b.call("GET", path, undefined, headers)).arrayBuffer();
    out.push(performance.now() - t);
  }
  return out;
}

export const ms = (x: number) => `${x.toFixed(1)} ms`;
