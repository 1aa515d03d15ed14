import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { providerRequestSchema } from "../../src/providers/protocol";
import { samplePath } from "../../reference-provider/sample";
import { handleHostile } from "./hostile-origin";
import { handleLive } from "./live-hls";
import { handleFabric } from "./fake-fabric";
import { handleWebhookSink } from "./webhook-sink";

function readAll(req: import("node:http").IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => resolve(raw));
  });
}

/**
 * A small provider speaking the provider protocol, for tests that need control. Behaviour comes
 * from the request's params: `latency_ms`, `fail_status` (answer it for every part),
 * `fail_first` (answer 503 to the first N calls for each part), `fail_parts` (start_ms values
 * that always answer 503), `tags_per_part`, `accept_async` (answer 202 and leave the result to
 * the test, which posts it to the recorded callback_url). Requests that break the protocol get a 400, and the
 * server remembers every call so tests can read them at GET /calls. Under /p/<name>/ it acts as
 * a separate provider whose load (requests served at once, and the most ever) is at GET /p/<name>/stats.
 */
// Strict: the service must send exactly the protocol, params included, nothing more.
const requestSchema = providerRequestSchema.extend({ params: z.record(z.string(), z.unknown()) }).strict();

export interface ProviderCall {
  model: string;
  params: Record<string, unknown>;
  media: z.infer<typeof requestSchema>["media"];
  callback_url?: string;
  status: number;
  /** When the request arrived (ms since the epoch). */
  at: number;
  /** When the answer was sent (ms since the epoch). */
  done_at?: number;
}

export function startTestProvider(port = 0): Promise<{ server: Server; url: string }> {
  const calls: ProviderCall[] = [];
  const attempts = new Map<string, number>();
  // Virtual providers under /p/<name>: each counts the requests it is serving at once.
  const load = new Map<string, { now: number; max: number; calls: number }>();
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const virtual = /^\/p\/([\w-]+)(\/.*)$/.exec(req.url ?? "");
    const name = virtual?.[1] ?? "";
    const path = virtual?.[2] ?? req.url ?? "";
    if (req.method === "GET" && path === "/stats") return send(200, load.get(name) ?? { now: 0, max: 0, calls: 0 });
    if (handleLive(req, res, path, () => readAll(req))) return;
    if (handleFabric(req, res, path)) return;
    if (handleHostile(req, res, path, () => readAll(req))) return;
    if (handleWebhookSink(req, res, path, () => readAll(req))) return;
    // The sample content's files, as a media server would serve them.
    const file = /^\/files\/([\w.-]+)$/.exec(path);
    if (req.method === "GET" && file) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(samplePath(file[1]!));
      } catch {
        return send(404, { error: "no such file" });
      }
      res.writeHead(200, { "content-type": file[1]!.endsWith(".mp4") ? "video/mp4" : "application/octet-stream", "content-length": bytes.length });
      return void res.end(bytes);
    }
    // Documents to translate, as a web server would serve them.
    const doc = /^\/documents\/([\w.-]+)$/.exec(path);
    if (req.method === "GET" && doc) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(new URL(`../fixtures/documents/${doc[1]}`, import.meta.url));
      } catch {
        return send(404, { error: "no such document" });
      }
      const type = doc[1]!.endsWith(".vtt") ? "text/vtt" : doc[1]!.endsWith(".srt") ? "application/x-subrip" : "text/plain";
      res.writeHead(200, { "content-type": type, "content-length": bytes.length });
      return void res.end(bytes);
    }
    if (req.method === "GET" && path.startsWith("/calls")) {
      const model = new URL(path, "http://x").searchParams.get("model");
      return send(200, { calls: model ? calls.filter((c) => c.model === model) : calls });
    }
    if (req.method !== "POST" || path !== "/v1/tag") return send(404, { error: "not found" });
    const l = load.get(name) ?? { now: 0, max: 0, calls: 0 };
    load.set(name, l);
    l.now++;
    l.calls++;
    l.max = Math.max(l.max, l.now);
    res.on("close", () => l.now--);
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      let parsed;
      try {
        parsed = requestSchema.safeParse(JSON.parse(raw));
      } catch {
        return send(400, { error: "body is not JSON" });
      }
      if (!parsed.success) return send(400, { error: parsed.error.message });
      const { model, params, media, callback_url } = parsed.data;
      const key = `${model}|${media.url.split("/media/")[0]}|${media.start_ms}`;
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      const latency = Number(params.latency_ms ?? 0);
      const failParts = (params.fail_parts as number[] | undefined) ?? [];
      let status = 200;
      if (typeof params.fail_status === "number") status = params.fail_status;
      else if (n <= Number(params.fail_first ?? 0)) status = 503;
      else if (failParts.includes(media.start_ms)) status = 503;
      if (status === 200 && params.accept_async === true) status = 202;
      const call: ProviderCall = { model, params, media, status, at: Date.now(), ...(callback_url ? { callback_url } : {}) };
      calls.push(call);
      res.on("finish", () => (call.done_at = Date.now()));
      setTimeout(() => {
        if (status === 202) return send(202, { accepted: true });
        if (status !== 200) return send(status, { error: `scripted failure ${status}` });
        const count = Number(params.tags_per_part ?? 1);
        // span_part: one tag over the whole part, with a fixed text (what joins across parts);
        // confidence_by_part: its confidence, by the part's start; opt_out: marked not to join.
        const spanText = typeof params.span_part === "string" ? params.span_part : null;
        const byPart = (params.confidence_by_part as Record<string, number> | undefined) ?? {};
        // tags_by_part: exactly these tags for the part starting at each ms (none elsewhere).
        const scripted = params.tags_by_part as Record<string, unknown[]> | undefined;
        const tags = scripted
          ? (scripted[String(media.start_ms)] ?? [])
          : spanText
          ? [{ start_time: 0, end_time: media.duration_ms, text: spanText, frame_info: { frame_idx: 0 }, additional_info: { confidence: byPart[String(media.start_ms)] ?? 0.9, ...(params.opt_out === true ? { boundary: "none" } : {}) } }]
          : Array.from({ length: count }, (_, i) => ({
              start_time: i * 100,
              end_time: i * 100 + 50,
              text: `${model} tag ${i} at ${media.start_ms}`,
              additional_info: { confidence: 0.9 },
            }));
        send(200, { tags });
      }, latency);
    });
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const { port: p } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${p}` });
    });
  });
}
