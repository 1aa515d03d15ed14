import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
/** The ffmpeg binary that `npm ci` installs (no download at run time). */
export const FFMPEG_PATH: string = (require("@ffmpeg-installer/ffmpeg") as { path: string }).path;

export class MediaError extends Error {}

/**
 * Runs ffmpeg and answers its stderr, where the filters we use print their findings.
 * Killed after `timeoutMs` so a stalled source cannot hold a request forever.
 */
export function runFfmpeg(args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG_PATH, ["-hide_banner", "-nostats", "-nostdin", ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(stderr);
      const tail = stderr.trim().split("\n").slice(-3).join(" | ");
      reject(new MediaError(signal ? `ffmpeg was stopped (${signal})` : (mediaProblem(stderr) ?? `ffmpeg failed (${code}): ${tail}`)));
    });
  });
}

/** What ffmpeg's complaint means for the client, in words, when it is about the media itself. */
export function mediaProblem(stderr: string): string | null {
  if (/Invalid data found when processing input|moov atom not found|could not find codec parameters/i.test(stderr)) {
    return "the media cannot be read as video or audio (not a media file ffmpeg knows, or a truncated one)";
  }
  if (/Output file #0 does not contain any stream|matches no streams|Stream map '.*' matches no streams/i.test(stderr)) {
    return "the media has no stream of the kind this model reads (no audio, or no video)";
  }
  if (/Server returned 4\d\d/i.test(stderr)) return `the media URL answered ${/Server returned (4\d\d[^\n]*)/i.exec(stderr)?.[1] ?? "4xx"}`;
  return null;
}

export interface MediaInput {
  url: string;
  kind: "video" | "audio" | "image" | "range";
  start_ms: number;
  duration_ms: number;
}

/**
 * The input arguments for a part: a `range` part is a window of a larger file (seeking with
 * -ss before -i restarts timestamps at the window), any other part is the whole URL.
 */
export function inputArgs(media: MediaInput): string[] {
  if (media.kind !== "range") return ["-i", media.url];
  const duration = ["-t", (media.duration_ms / 1000).toFixed(3)];
  // `-ss 0` is not a seek to 0: ffmpeg then keeps the AAC encoder's priming samples that the
  // file's edit list hides, and the part's audio starts some 64 ms early. A first part is read
  // from the start instead.
  if (media.start_ms === 0) return [...duration, "-i", media.url];
  return ["-ss", (media.start_ms / 1000).toFixed(3), ...duration, "-i", media.url];
}
