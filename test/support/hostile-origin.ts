import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * What an attacker's media server and a DNS-over-HTTPS resolver look like, for the security
 * tests (served by the loopback test provider):
 * - `PUT /docs/<name>` stores a text (a playlist, say) and `GET /docs/<name>` serves it.
 * - `GET /redirect?to=URL` answers 302 to URL.
 * - `GET /big-playlist.m3u8` streams a 6 MB "playlist" with no Content-Length.
 * - `GET /norange/<name>` streams 32 MB with no Content-Length and ignores Range.
 * - `GET /dns-query?name=&type=A|AAAA` answers in the JSON form of public DoH resolvers, from
 *   the table below (anything else: NXDOMAIN).
 * - `GET /requests` lists every path requested so far, so a test can show a refused URL was never fetched.
 */
const DNS: Record<string, { A?: string[]; AAAA?: string[] }> = {
  "media.example.com": { A: ["93.184.216.34"] },
  "v6.example.com": { AAAA: ["2606:4700:4700::1111"] },
  "evil.example.com": { A: ["10.0.0.1"] },
  "metadata.example.com": { A: ["169.254.169.254"] },
  "loop.example.com": { A: ["127.0.0.1"] },
  "mapped.example.com": { AAAA: ["::ffff:7f00:1"] },
  "mixed.example.com": { A: ["93.184.216.34", "192.168.1.1"] },
};

const docs = new Map<string, string>();
const requested: string[] = [];

function stream(res: ServerResponse, bytes: number, chunk: string) {
  if (!res.headersSent) res.writeHead(200, { "content-type": "application/octet-stream" });
  let sent = 0;
  const pump = () => {
    while (sent < bytes) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
    res.end();
  };
  res.on("error", () => {});
  pump();
}

export function handleHostile(req: IncomingMessage, res: ServerResponse, path: string, body: () => Promise<string>): boolean {
  const url = new URL(path, "http://origin");
  if (url.pathname !== "/requests") requested.push(url.pathname);
  const send = (status: number, payload: unknown, type = "application/json") => {
    res.writeHead(status, { "content-type": type });
    res.end(typeof payload === "string" ? payload : JSON.stringify(payload));
  };
  if (req.method === "GET" && url.pathname === "/requests") return send(200, { paths: requested }), true;
  const doc = /^\/docs\/([\w.-]+)$/.exec(url.pathname);
  if (doc && req.method === "PUT") {
    void body().then((text) => (docs.set(doc[1]!, text), send(204, "")));
    return true;
  }
  if (doc && req.method === "GET") {
    const text = docs.get(doc[1]!);
    if (text === undefined) return send(404, { error: "no such doc" }), true;
    return send(200, text, doc[1]!.endsWith(".m3u8") ? "application/vnd.apple.mpegurl" : "text/plain"), true;
  }
  if (req.method === "GET" && url.pathname === "/redirect") {
    res.writeHead(302, { location: url.searchParams.get("to") ?? "/" });
    return res.end(), true;
  }
  if (req.method === "GET" && url.pathname === "/big-playlist.m3u8") {
    res.writeHead(200, { "content-type": "application/vnd.apple.mpegurl" });
    res.write("#EXTM3U\n#EXT-X-TARGETDURATION:1\n");
    return stream(res, 6 * 1024 * 1024, "#EXTINF:1.0,\nsegment-with-a-long-name.ts\n"), true;
  }
  if (req.method === "GET" && url.pathname.startsWith("/norange/")) return stream(res, 32 * 1024 * 1024, "\0".repeat(64 * 1024)), true;
  if (req.method === "GET" && url.pathname === "/dns-query") {
    const name = (url.searchParams.get("name") ?? "").replace(/\.$/, "");
    const type = url.searchParams.get("type") === "AAAA" ? "AAAA" : "A";
    const entry = DNS[name];
    if (!entry) return send(200, { Status: 3 }), true;
    const answers = (entry[type] ?? []).map((data) => ({ name, type: type === "A" ? 1 : 28, TTL: 30, data }));
    return send(200, { Status: 0, Answer: answers }), true;
  }
  return false;
}

/** Host names the security tests treat as public media servers: the test runtime routes them to the test provider. */
export const PUBLIC_TEST_HOSTS = Object.entries(DNS).filter(([, e]) => (e.A ?? []).concat(e.AAAA ?? []).every((a) => !/^(10\.|127\.|169\.254\.|192\.168\.|::ffff)/.test(a))).map(([n]) => n);
