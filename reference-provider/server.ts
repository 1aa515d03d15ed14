import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism } from "node:os";
import { z } from "zod";
import { MediaError } from "./ffmpeg";
import { declaredParamsError } from "../src/providers/params";
import { providerRequestSchema } from "../src/providers/protocol";
import { MODELS } from "./models/index";

/** Fields added to the protocol later are let through, so an older provider keeps working. */
const tagRequest = providerRequestSchema.passthrough();

const MAX_BODY = 64 * 1024;

/** ffmpeg runs are CPU-bound: more at once than the machine has cores only makes each slower. */
class Limiter {
  private active = 0;
  private waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Source trouble that may pass (the service restarting, a network blip) is worth a retry. */
function isTransient(e: MediaError): boolean {
  return /Server returned 5|Connection refused|Connection reset|timed out|was stopped/i.test(e.message);
}

export interface ReferenceProviderOptions {
  port?: number;
  host?: string;
  log?: (line: string) => void;
}

export function startReferenceProvider(opts: ReferenceProviderOptions = {}): Promise<{ server: Server; url: string }> {
  const workers = Math.max(2, availableParallelism());
  const limiter = new Limiter(workers);
  // The provider's own processing time per model (inside the limiter, so waiting is not counted).
  const stats = new Map<string, { calls: number; processing_ms: number }>();
  const log = opts.log ?? (() => {});

  async function tag(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    if (raw === null) return send(res, 413, { error: `request body is larger than ${MAX_BODY} bytes` });
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, 400, { error: "request body is not JSON" });
    }
    const parsed = tagRequest.safeParse(body);
    if (!parsed.success) return send(res, 400, { error: z.prettifyError(parsed.error) });
    const { model: name, params, media } = parsed.data;
    const model = MODELS[name];
    if (!model) return send(res, 400, { error: `unknown model ${name}; this provider serves ${Object.keys(MODELS).join(", ")}` });
    // Its models hear and see media; none reads text documents.
    const { kind } = media;
    if (kind === "text") return send(res, 400, { error: `model ${name} reads media, not text documents` });
    const input = { ...media, kind };
    const merged = { ...model.spec.defaults, ...params };
    const bad = declaredParamsError(model.spec.params_schema, merged);
    if (bad) return send(res, 400, { error: `params: ${bad}` });
    const t0 = Date.now();
    try {
      const tags = await limiter.run(async () => {
        const started = performance.now();
        try {
          return await model.run(input, merged);
        } finally {
          const st = stats.get(name) ?? { calls: 0, processing_ms: 0 };
          st.calls++;
          st.processing_ms += performance.now() - started;
          stats.set(name, st);
        }
      });
      log(`${name} ${media.kind} ${media.start_ms}+${media.duration_ms}ms: ${tags.length} tags in ${Date.now() - t0} ms`);
      send(res, 200, { tags: tags.map((t) => ({ track: model.spec.track.name, ...t })) });
    } catch (e) {
      const transient = !(e instanceof MediaError) || isTransient(e);
      log(`${name} ${media.start_ms}ms failed (${transient ? "transient" : "permanent"}): ${(e as Error).message}`);
      send(res, transient ? 503 : 422, { error: (e as Error).message });
    }
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/health") return send(res, 200, { ok: true });
    if (req.method === "GET" && path === "/v1/stats") {
      return send(res, 200, { workers, models: Object.fromEntries([...stats].map(([k, v]) => [k, { calls: v.calls, processing_ms: Math.round(v.processing_ms) }])) });
    }
    if (req.method === "GET" && path === "/v1/models") {
      return send(res, 200, {
        models: Object.values(MODELS).map((m) => m.spec),
      });
    }
    if (path === "/v1/tag") {
      if (req.method !== "POST") return send(res, 405, { error: "use POST" });
      return void tag(req, res).catch((e: Error) => send(res, 500, { error: e.message }));
    }
    send(res, 404, { error: `no route ${req.method} ${path}` });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://${opts.host ?? "127.0.0.1"}:${port}` });
    });
  });
}
