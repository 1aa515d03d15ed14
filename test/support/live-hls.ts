import { mkdirSync, readFileSync, existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A live HLS origin for tests: publishes segments on a clock. Each channel is configured with
 * POST /live/<name>/config and then serves /live/<name>/index.m3u8 and its segments.
 * - `segment_s` (default 1): one new segment every segment_s seconds; the first is there at once.
 * - `window` (default 6): how many segments the playlist lists.
 * - `pdt` (default true): EXT-X-PROGRAM-DATE-TIME on the segments.
 * - `gap_at`, `gap`: segments gap_at .. gap_at+gap-1 leave the window before any client can see
 *   them: the playlist holds back until segment gap_at+gap is out, then lists only from there.
 * - `discontinuity_at`: a discontinuity before that segment.
 * - `restart_at`: from that segment on the media sequence starts again at 0 (with a discontinuity).
 * - `stall_after`: no new segments after that many.
 * - `end_after`: EXT-X-ENDLIST after that many.
 * - `fail_after`: the playlist answers 500 once that many segments were published.
 * - `real`: serve real MPEG-TS segments (`real_dir`, made from the sample by the caller) in a loop.
 */
export interface LiveConfig {
  segment_s?: number;
  window?: number;
  pdt?: boolean;
  gap_at?: number;
  gap?: number;
  discontinuity_at?: number;
  restart_at?: number;
  stall_after?: number;
  end_after?: number;
  fail_after?: number;
  real_dir?: string;
  real_count?: number;
}

interface Channel extends LiveConfig {
  started: number;
}

const channels = new Map<string, Channel>();

/** Segment n as published: its media sequence number and discontinuity sequence. */
function published(c: Channel, n: number): { msn: number; disc: number } {
  if (c.restart_at !== undefined && n >= c.restart_at) return { msn: n - c.restart_at, disc: 1 + (c.discontinuity_at !== undefined ? 1 : 0) };
  return { msn: n, disc: c.discontinuity_at !== undefined && n >= c.discontinuity_at ? 1 : 0 };
}

function playlist(c: Channel, now: number): { status: number; body: string } {
  const seg = (c.segment_s ?? 1) * 1000;
  let count = 1 + Math.floor((now - c.started) / seg);
  if (c.stall_after !== undefined) count = Math.min(count, c.stall_after);
  if (c.end_after !== undefined) count = Math.min(count, c.end_after);
  if (c.fail_after !== undefined && count >= c.fail_after) return { status: 500, body: "origin error" };
  let all = Array.from({ length: count }, (_, n) => n);
  if (c.gap_at !== undefined) {
    const after = c.gap_at + (c.gap ?? 1);
    // Media sequence numbers are consecutive within a playlist: the skipped segments show as a jump.
    all = count > after ? all.filter((n) => n >= after) : all.filter((n) => n < c.gap_at!);
  }
  const shown = all.slice(-(c.window ?? 6));
  const first = shown[0] ?? 0;
  const lines = ["#EXTM3U", "#EXT-X-VERSION:3", `#EXT-X-TARGETDURATION:${Math.ceil(c.segment_s ?? 1)}`, `#EXT-X-MEDIA-SEQUENCE:${published(c, first).msn}`, `#EXT-X-DISCONTINUITY-SEQUENCE:${published(c, first).disc}`];
  let prevDisc = published(c, first).disc;
  for (const n of shown) {
    const p = published(c, n);
    if (p.disc !== prevDisc) lines.push("#EXT-X-DISCONTINUITY");
    prevDisc = p.disc;
    if (c.pdt ?? true) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(c.started + n * seg).toISOString()}`);
    lines.push(`#EXTINF:${(c.segment_s ?? 1).toFixed(3)},`, `seg${n}.ts`);
  }
  if (c.end_after !== undefined && count >= c.end_after) lines.push("#EXT-X-ENDLIST");
  return { status: 200, body: `${lines.join("\n")}\n` };
}

/** Handles /live/...; answers false for other paths. */
export function handleLive(req: IncomingMessage, res: ServerResponse, path: string, body: () => Promise<string>): boolean {
  const m = /^\/live\/([\w-]+)\/(config|index\.m3u8|seg(\d+)\.ts)$/.exec(path);
  if (!m) return false;
  const name = m[1]!;
  if (m[2] === "config" && req.method === "POST") {
    void body().then((raw) => {
      channels.set(name, { ...(JSON.parse(raw || "{}") as LiveConfig), started: Date.now() });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
    });
    return true;
  }
  const c = channels.get(name);
  if (!c) return void res.writeHead(404).end("no such channel"), true;
  if (m[2] === "index.m3u8") {
    const p = playlist(c, Date.now());
    res.writeHead(p.status, { "content-type": "application/vnd.apple.mpegurl", "cache-control": "no-store" }).end(p.body);
    return true;
  }
  const n = Number(m[3]);
  if (c.real_dir) {
    const file = join(c.real_dir, `seg${n % (c.real_count ?? 1)}.ts`);
    if (!existsSync(file)) return void res.writeHead(404).end(), true;
    const bytes = readFileSync(file);
    res.writeHead(200, { "content-type": "video/mp2t", "content-length": bytes.length }).end(bytes);
    return true;
  }
  const bytes = Buffer.from(`live ${name} segment ${n}`);
  res.writeHead(200, { "content-type": "video/mp2t", "content-length": bytes.length }).end(bytes);
  return true;
}

export const liveScratchDir = () => {
  const dir = join(tmpdir(), "live-hls-fixture");
  mkdirSync(dir, { recursive: true });
  return dir;
};
