import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/** Serves the files of some directories over loopback with byte ranges, as the service's signed /media URLs do. */
export function serveDirs(dirs: string[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const name = (req.url ?? "/").slice(1);
    const dir = dirs.find((d) => readdirSync(d).includes(name));
    if (!dir) return void res.writeHead(404).end();
    const file = readFileSync(join(dir, name));
    const r = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? "");
    if (!r) return void res.writeHead(200, { "content-length": file.length, "accept-ranges": "bytes" }).end(file);
    const s = Number(r[1]);
    const e = r[2] ? Number(r[2]) : file.length - 1;
    res.writeHead(206, { "content-range": `bytes ${s}-${e}/${file.length}`, "content-length": e - s + 1, "accept-ranges": "bytes" }).end(file.subarray(s, e + 1));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}
