import { readFileSync, mkdtempSync, rmSync, readdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "../../reference-provider/ffmpeg";
import { parseSelectedFrames, shotsFromFrames } from "../../reference-provider/models/shot";
import { DEMO, makeDemoVideo } from "../../reference-provider/sample";
import { startReferenceProvider } from "../../reference-provider/server";

/** Serves a directory over loopback with byte ranges, as the service's /media URLs do. */
function serveDir(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let file: Buffer;
    try {
      file = readFileSync(join(dir, (req.url ?? "/").slice(1)));
    } catch {
      res.writeHead(404).end();
      return;
    }
    const r = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? "");
    if (!r) return void res.writeHead(200, { "content-length": file.length, "accept-ranges": "bytes" }).end(file);
    const s = Number(r[1]);
    const e = r[2] ? Number(r[2]) : file.length - 1;
    res.writeHead(206, { "content-range": `bytes ${s}-${e}/${file.length}`, "content-length": e - s + 1, "accept-ranges": "bytes" }).end(file.subarray(s, e + 1));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe("shot parsing", () => {
  it("makes times relative to the part's first frame, whatever the container's timestamps", () => {
    const log = [
      "[Parsed_metadata_1 @ 0x1] frame:0    pts:126000  pts_time:11.4",
      "[Parsed_metadata_1 @ 0x1] lavfi.scene_score=0.000000",
      "[Parsed_metadata_1 @ 0x1] frame:1    pts:396000  pts_time:14.4",
      "[Parsed_metadata_1 @ 0x1] lavfi.scene_score=0.912345",
    ].join("\n");
    expect(shotsFromFrames(parseSelectedFrames(log), 10_000)).toEqual([
      { start_time: 0, end_time: 3000, text: "shot" },
      { start_time: 3000, end_time: 10_000, text: "shot", additional_info: { scene_score: 0.9123, confidence: 0.9123 } },
    ]);
  });

  it("answers no shots for a part with no frames", () => {
    expect(shotsFromFrames(parseSelectedFrames("Output file is empty"), 10_000)).toEqual([]);
  });
});

describe("reference provider over loopback", () => {
  let dir: string;
  let media: { server: Server; url: string };
  let provider: { server: Server; url: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "refprov-"));
    await makeDemoVideo(join(dir, "demo.mp4"));
    // The same video as HLS segments: MPEG-TS keeps stream timestamps that do not start at 0.
    await runFfmpeg(["-loglevel", "error", "-i", join(dir, "demo.mp4"), "-c", "copy", "-f", "hls", "-hls_time", "10", "-hls_list_size", "0", "-hls_segment_filename", join(dir, "seg%d.ts"), join(dir, "demo.m3u8")]);
    media = await serveDir(dir);
    provider = await startReferenceProvider();
  }, 60_000);

  afterAll(() => {
    media.server.close();
    provider.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tag = (body: unknown) =>
    fetch(`${provider.url}/v1/tag`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const part = (kind: string, url: string, start_ms: number, duration_ms = 10_000) => ({ model: "shot", params: {}, media: { url, kind, content_type: "video/mp4", start_ms, duration_ms } });
  const cutsOf = (tags: Array<{ start_time: number; additional_info?: unknown }>) => tags.filter((t) => t.additional_info).map((t) => t.start_time);

  it("finds the cuts of range parts (a window of a larger file)", async () => {
    const found: number[] = [];
    for (let start = 0; start < DEMO.duration_s * 1000; start += 10_000) {
      const res = await tag(part("range", `${media.url}/demo.mp4`, start));
      expect(res.status).toBe(200);
      const { tags } = (await res.json()) as { tags: Array<{ start_time: number; end_time: number; track: string; additional_info?: unknown }> };
      expect(tags.every((t) => t.track === "shot_detection")).toBe(true);
      found.push(...cutsOf(tags).map((t) => t + start));
    }
    expect(found).toEqual(DEMO.cuts_s.map((s) => Math.round(s * 1000)));
  });

  it("finds the cuts of HLS segments, relative to each segment", async () => {
    const segments = readdirSync(dir).filter((f) => f.endsWith(".ts")).length;
    expect(segments).toBe(DEMO.duration_s / 10);
    // Segments end on keyframes, so their start times come from the playlist.
    const durations = [...readFileSync(join(dir, "demo.m3u8"), "utf8").matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]) * 1000);
    const found: number[] = [];
    let start = 0;
    for (let i = 0; i < segments; i++) {
      const res = await tag(part("video", `${media.url}/seg${i}.ts`, Math.round(start), Math.round(durations[i]!)));
      expect(res.status).toBe(200);
      const { tags } = (await res.json()) as { tags: Array<{ start_time: number; additional_info?: unknown }> };
      found.push(...cutsOf(tags).map((t) => t + start));
      start += durations[i]!;
    }
    expect(found.length).toBe(DEMO.cuts_s.length);
    DEMO.cuts_s.forEach((cut, i) => expect(Math.abs(found[i]! - cut * 1000)).toBeLessThanOrEqual(1000 / DEMO.fps));
  });

  it("answers 400 to requests that break the protocol, and names the problem", async () => {
    expect((await tag("not json")).status).toBe(400);
    const missing = await tag({ model: "shot" });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/media/);
    const unknown = await tag({ ...part("range", `${media.url}/demo.mp4`, 0), model: "nope" });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toMatch(/unknown model nope/);
    const badParams = await tag({ ...part("range", `${media.url}/demo.mp4`, 0), params: { threshold: 3 } });
    expect(badParams.status).toBe(400);
    expect(await badParams.text()).toMatch(/threshold/);
  });

  it("treats missing media as permanent (4xx) and unreachable media as transient (5xx)", async () => {
    expect((await tag(part("range", `${media.url}/gone.mp4`, 0))).status).toBe(422);
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    expect((await tag(part("video", `http://127.0.0.1:${closed}/x.ts`, 0))).status).toBe(503);
  });
});
