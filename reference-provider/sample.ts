import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { runFfmpeg } from "./ffmpeg";

/**
 * The sample content `demo`: 40 s of five visually distinct test patterns, so its cuts are
 * known exactly. The cuts sit away from the 10 s part boundaries, where a per-part model could
 * not see them. Made with the npm-installed ffmpeg, so nothing is downloaded and the repository
 * carries no binary media.
 */
export const DEMO = {
  qid: "demo",
  title: "Demo: five test patterns",
  file: "demo.mp4",
  part_duration: 10,
  duration_s: 40,
  fps: 25,
  cuts_s: [4, 13, 26.4, 35],
} as const;

const SHOTS = [
  "testsrc2=size=320x180:rate=25",
  "smptebars=size=320x180:rate=25",
  "mandelbrot=size=320x180:rate=25",
  "color=c=0x2050a0:size=320x180:rate=25,drawgrid=w=40:h=40:t=2:c=white",
  "rgbtestsrc=size=320x180:rate=25",
];

export async function makeDemoVideo(path: string): Promise<string> {
  if (existsSync(path)) return path;
  mkdirSync(dirname(path), { recursive: true });
  const bounds = [0, ...DEMO.cuts_s, DEMO.duration_s];
  // Whole frames per shot, so every cut lands exactly on a frame at the planned time.
  const inputs = SHOTS.flatMap((src, i) => ["-f", "lavfi", "-i", `${src},trim=end_frame=${Math.round((bounds[i + 1]! - bounds[i]!) * DEMO.fps)}`]);
  const concat = `${SHOTS.map((_, i) => `[${i}:v]`).join("")}concat=n=${SHOTS.length}:v=1:a=0,format=yuv420p[v]`;
  const tmp = `${path}.partial.mp4`;
  await runFfmpeg(["-loglevel", "error", "-y", ...inputs, "-filter_complex", concat, "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-movflags", "+faststart", tmp]);
  const { renameSync } = await import("node:fs");
  renameSync(tmp, path);
  return path;
}
