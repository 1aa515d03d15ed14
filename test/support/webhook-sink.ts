import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * A webhook receiver for tests, under /hooks/<name>: it records every POST (headers and the raw
 * body) and answers the scripted statuses in turn (PUT /hooks/<name>/script {statuses: [503],
 * event?: "transcription.completed"}), then 200. GET /hooks/<name> lists what it received.
 */
interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
  status: number;
}

const sinks = new Map<string, { received: Received[]; statuses: number[]; event: string | null }>();
const sink = (name: string) => {
  let s = sinks.get(name);
  if (!s) sinks.set(name, (s = { received: [], statuses: [], event: null }));
  return s;
};

export function handleWebhookSink(req: IncomingMessage, res: ServerResponse, path: string, body: () => Promise<string>): boolean {
  const m = /^\/hooks\/([\w-]+)(\/script)?$/.exec(path);
  if (!m) return false;
  const s = sink(m[1]!);
  const send = (status: number, payload: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
  void (async () => {
    const raw = await body();
    if (m[2] && req.method === "PUT") {
      const script = JSON.parse(raw) as { statuses: number[]; event?: string };
      s.statuses = script.statuses;
      s.event = script.event ?? null;
      return send(200, { ok: true });
    }
    if (req.method === "GET") return send(200, { received: s.received });
    if (req.method !== "POST") return send(405, { error: "POST" });
    // Scripted statuses go to every POST, or only to those of one event (`event` in the body).
    const scripted = s.event === null || (JSON.parse(raw) as { event?: string }).event === s.event;
    const status = (scripted ? s.statuses.shift() : undefined) ?? 200;
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]));
    s.received.push({ headers, body: raw, at: Date.now(), status });
    send(status, status < 300 ? { ok: true } : { error: `scripted ${status}` });
  })();
  return true;
}
