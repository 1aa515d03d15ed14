// `npm run sample`: makes reference-provider/sample/ again. Needs a DejaVu Sans Bold font
// (Debian: fonts-dejavu-core) for the on-screen text; everything else is the npm ffmpeg.
// lavfi sine is generated at 1/8 of full scale: volume 0.4 makes the tone -26 dBFS, 7 makes it -1 dBFS.
import { existsSync } from "node:fs";
import { runFfmpeg } from "./ffmpeg";
import { DEMO, samplePath } from "./sample";

const FONT = ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"].find(existsSync);
if (!FONT) throw new Error("DejaVu Sans Bold not found: apt-get install fonts-dejavu-core");

const size = "size=480x270:rate=25";
const bounds = [0, ...DEMO.cuts_s, DEMO.duration_s];
const sources = [
  `testsrc2=${size}`,
  `smptebars=${size}`,
  `mandelbrot=${size}`,
  `color=c=0x2050a0:${size},drawgrid=w=40:h=40:t=2:c=white`,
  `rgbtestsrc=${size}`,
  `color=c=black:${size}`,
  `testsrc=${size}`,
];
// Whole frames per shot, so every cut lands exactly on a frame at the planned time.
const inputs = sources.flatMap((src, i) => ["-f", "lavfi", "-i", `${src},trim=end_frame=${Math.round((bounds[i + 1]! - bounds[i]!) * DEMO.fps)}`]);
const [silence] = DEMO.silence_s;
const [loud] = DEMO.loud_s;
const text = `drawtext=fontfile=${FONT}:text=${DEMO.text.word}:fontsize=32:fontcolor=black:box=1:boxcolor=white:boxborderw=8:x=(w-text_w)/2:y=(h-text_h)/2:enable='between(t,${DEMO.text.from_s},${DEMO.text.to_s})'`;
const volume = `volume='if(between(t,${silence![0]},${silence![1]}),0,if(between(t,${loud![0]},${loud![1]}),7,0.4))':eval=frame`;
const graph = `${sources.map((_, i) => `[${i}:v]`).join("")}concat=n=${sources.length}:v=1:a=0,${text},format=yuv420p[v];[${sources.length}:a]${volume}[a]`;
await runFfmpeg([
  "-loglevel", "error", "-y",
  ...inputs,
  "-f", "lavfi", "-i", `sine=f=440:sample_rate=32000:duration=${DEMO.duration_s}`,
  "-filter_complex", graph,
  "-map", "[v]", "-map", "[a]",
  "-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-g", "50",
  "-c:a", "aac", "-b:a", "64k",
  "-movflags", "+faststart",
  samplePath(DEMO.files.video),
]);
await runFfmpeg([
  "-loglevel", "error", "-y",
  "-f", "lavfi", "-i", "color=c=white:size=400x120",
  "-vf", `drawtext=fontfile=${FONT}:text='${DEMO.image_text}':fontsize=40:fontcolor=black:x=(w-text_w)/2:y=(h-text_h)/2`,
  "-frames:v", "1", samplePath(DEMO.files.image),
]);
console.log(`sample written to ${samplePath("")}`);
