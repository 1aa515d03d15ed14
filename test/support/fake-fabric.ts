import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback stand-in for an Eluvio content fabric, with the request and response shapes the
 * public clients use (elv-client-py, the content-tagger's QAPI):
 * - `GET /q/{qid|hash}`: the content object `{id, hash, qlib_id}`;
 * - `GET /q/{qid|hash}/meta/{subtree}`: metadata (404 `{"errors": [...]}` where there is none);
 * - `GET /q/{hash}/rep/parts_download?part_hash=`: a mezzanine part's bytes;
 * - `GET /q/{hash}/files/{path}`: a file;
 * - `GET /q/{qid}/rep/media/segment?num=&duration=&stream=`: a live segment, its facts in the
 *   base64 JSON header `X-Content-Fabric-Segment-Info`; without `num`, the newest one recorded.
 *   A segment not recorded yet answers 404.
 * Every request needs a token the object accepts (`Authorization: Bearer` or `?authorization=`):
 * none is 401, a wrong one 403 with the fabric's error body. Faults on demand: `fail` answers a
 * status and `stall` never answers, for requests whose path matches. Requests are logged (path,
 * query, token) for tests to check which token was used where.
 *
 * Mounted at /fabric of the tests' provider (worker tests configure it with POST /fabric/_config),
 * or started on its own (`startFakeFabric`) in end-to-end tests.
 */

export interface FabricObject {
  qid: string;
  hash: string;
  /** Tokens allowed to read this object. */
  tokens: string[];
  meta: Record<string, unknown>;
  /** Part hash → bytes: a string, `{file}` (a path on this machine) or `{base64}`. */
  parts?: Record<string, FabricBytes>;
  files?: Record<string, FabricBytes>;
  /** A live stream object: recording since `started_ms`; segment n covers [n·d, (n+1)·d) s of it. */
  live?: { started_ms: number; segments?: FabricBytes[] };
}

export type FabricBytes = string | { file: string } | { base64: string };

export interface FabricFaults {
  /** Answer this status to requests whose path matches `match` (a regular expression). */
  fail?: { status: number; match: string };
  /** Never answer requests whose path matches. */
  stall?: { match: string };
}

export interface FabricConfig {
  objects: FabricObject[];
  faults?: FabricFaults;
}

export interface FabricRequest {
  path: string;
  query: Record<string, string>;
  token: string | null;
}

const bytesOf = (b: FabricBytes): Buffer => (typeof b === "string" ? Buffer.from(b) : "file" in b ? readFileSync(b.file) : Buffer.from(b.base64, "base64"));

function fabricError(res: ServerResponse, status: number, kind: string, reason: string) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ op: "fabric", kind, reason }] }));
}

export class FakeFabric {
  config: FabricConfig = { objects: [] };
  readonly requests: FabricRequest[] = [];
  private readonly stalled = new Set<ServerResponse>();

  /** Merges objects into the configuration (same qid: replaced) and sets the faults. */
  configure(c: Partial<FabricConfig>) {
    const byQid = new Map(this.config.objects.map((o) => [o.qid, o]));
    for (const o of c.objects ?? []) byQid.set(o.qid, o);
    this.config = { objects: [...byQid.values()], faults: c.faults ?? {} };
  }

  releaseStalled() {
    for (const r of this.stalled) r.destroy();
    this.stalled.clear();
  }

  /** Handles one request whose path is relative to the fabric's base. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): void {
    const url = new URL(path, "http://fabric");
    const query = Object.fromEntries(url.searchParams);
    const header = req.headers.authorization;
    const token = header?.startsWith("Bearer ") ? header.slice(7) : (query.authorization ?? null);
    if (req.method === "POST" && url.pathname === "/_config") {
      let raw = "";
      req.on("data", (d) => (raw += d));
      req.on("end", () => {
        this.configure(JSON.parse(raw) as FabricConfig);
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
      return;
    }
    if (req.method === "GET" && url.pathname === "/_requests") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ requests: this.requests }));
      return;
    }
    this.requests.push({ path: url.pathname, query: Object.fromEntries(Object.entries(query).filter(([k]) => k !== "authorization")), token });
    const faults = this.config.faults ?? {};
    if (faults.stall && new RegExp(faults.stall.match).test(url.pathname)) {
      this.stalled.add(res);
      return;
    }
    if (faults.fail && new RegExp(faults.fail.match).test(url.pathname)) return fabricError(res, faults.fail.status, "unavailable", "injected failure");
    if (req.method !== "GET") return fabricError(res, 405, "invalid", "method not allowed");
    const m = /^\/q\/([^/]+)(?:\/(.*))?$/.exec(url.pathname);
    if (!m) return fabricError(res, 404, "item does not exist", `no route ${url.pathname}`);
    const id = decodeURIComponent(m[1]!);
    const obj = this.config.objects.find((o) => o.qid === id || o.hash === id);
    if (!token) return fabricError(res, 401, "unauthorized", "no authorization token");
    if (!obj) return fabricError(res, 404, "item does not exist", `content ${id} not found`);
    if (!obj.tokens.includes(token)) return fabricError(res, 403, "permission denied", `token not authorized to read ${obj.qid}`);
    const rest = m[2] ?? "";
    if (rest === "") return this.json(res, { id: obj.qid, hash: obj.hash, qlib_id: "ilib4JvLVViStsUKTAn3Y1tgTQvDH3j" });
    if (rest === "meta" || rest.startsWith("meta/")) {
      let node: unknown = obj.meta;
      for (const key of rest.split("/").slice(1).filter(Boolean).map(decodeURIComponent)) {
        node = typeof node === "object" && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
      }
      if (node === undefined) return fabricError(res, 404, "item does not exist", `metadata ${rest} not found`);
      return this.json(res, node);
    }
    if (rest === "rep/parts_download") {
      const part = obj.parts?.[query.part_hash ?? ""];
      if (!part) return fabricError(res, 404, "item does not exist", `part ${query.part_hash} not found`);
      return this.bytes(res, bytesOf(part), "video/mp4");
    }
    if (rest.startsWith("files/")) {
      const file = obj.files?.[rest.slice(6).split("/").map(decodeURIComponent).join("/")];
      if (!file) return fabricError(res, 404, "item does not exist", `file ${rest} not found`);
      return this.bytes(res, bytesOf(file), "application/octet-stream");
    }
    if (rest === "rep/media/segment" && obj.live) {
      const d = Number(query.duration ?? 4);
      if (!(d > 0)) return fabricError(res, 400, "invalid", "duration must be positive");
      const recorded = Math.floor((Date.now() - obj.live.started_ms) / (d * 1000));
      const num = query.num === undefined ? recorded - 1 : Number(query.num);
      if (!Number.isInteger(num) || num < 0) return fabricError(res, 400, "invalid", "num must be a non-negative integer");
      if (num >= recorded) return fabricError(res, 404, "item does not exist", `segment ${num} is not recorded yet`);
      const info = { seg_num: num, seg_offset_millis: num * d * 1000, actual_duration: d, seg_time_epoch_millis: obj.live.started_ms + num * d * 1000 };
      const segs = obj.live.segments ?? [];
      const body = segs.length ? bytesOf(segs[num % segs.length]!) : Buffer.from(`live ${obj.qid} ${query.stream} segment ${num}`);
      res.writeHead(200, { "content-type": "video/mp4", "content-length": body.length, "x-content-fabric-segment-info": Buffer.from(JSON.stringify(info)).toString("base64") });
      res.end(body);
      return;
    }
    fabricError(res, 404, "item does not exist", `no route ${rest}`);
  }

  private json(res: ServerResponse, body: unknown) {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  }

  private bytes(res: ServerResponse, body: Buffer, type: string) {
    res.writeHead(200, { "content-type": type, "content-length": body.length }).end(body);
  }
}

/** The fabric mounted under /fabric of another server (the tests' provider): answers false for other paths. */
export const sharedFabric = new FakeFabric();
export function handleFabric(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (path !== "/fabric" && !path.startsWith("/fabric/")) return false;
  sharedFabric.handle(req, res, path.slice("/fabric".length) || "/");
  return true;
}

/** A fabric on its own loopback port. */
export async function startFakeFabric(): Promise<{ fabric: FakeFabric; server: Server; url: string }> {
  const fabric = new FakeFabric();
  const server = createServer((req, res) => fabric.handle(req, res, req.url ?? "/"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.on("close", () => fabric.releaseStalled());
  return { fabric, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * Metadata of a VOD content as a fabric holds it. `modern`: the default offering's playout
 * streams name transcodes whose `stream.sources` are `[{source, duration: {float}}]`; legacy: the
 * offering's media_struct holds `[[hash, duration_ts]]` with a time base.
 */
export function vodMeta(opts: {
  title: string;
  streams: Record<string, { codec_type: "video" | "audio"; parts: Array<{ hash: string; seconds: number }> }>;
  assets?: Record<string, string>;
  legacy?: boolean;
}): Record<string, unknown> {
  const assets = Object.fromEntries(Object.entries(opts.assets ?? {}).map(([k, path]) => [k, { file: { "/": `./files/${path}` } }]));
  const meta: Record<string, unknown> = { public: { name: `${opts.title} (object)`, asset_metadata: { title: opts.title } }, assets };
  if (opts.legacy) {
    const streams = Object.fromEntries(
      Object.entries(opts.streams).map(([name, s]) => [name, { codec_type: s.codec_type, duration: { time_base: "1/1000" }, sources: s.parts.map((p) => [p.hash, String(Math.round(p.seconds * 1000))]) }]),
    );
    meta.offerings = { default: { media_struct: { streams } } };
    return meta;
  }
  const transcodes: Record<string, unknown> = {};
  const playout: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(opts.streams)) {
    const tid = `tc_${name}`;
    transcodes[tid] = { stream: { codec_type: s.codec_type, duration: { time_base: "1/30000" }, sources: s.parts.map((p) => ({ source: p.hash, duration: { float: p.seconds } })) } };
    playout[name] = { representations: { [`${name}_rep`]: { transcode_id: tid } } };
  }
  meta.transcodes = transcodes;
  meta.offerings = { default: { playout: { streams: playout } } };
  return meta;
}

/** Metadata of a live stream object: its recording config with the probe's streams. */
export function liveMeta(title: string): Record<string, unknown> {
  return {
    public: { name: title },
    live_recording_config: { probe_info: { streams: [{ codec_type: "video", frame_rate: "25" }, { codec_type: "audio" }] } },
    live_recording: { recording_config: { recording_params: { xc_params: { seg_duration: "4" } } } },
  };
}
