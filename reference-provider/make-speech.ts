// `npm run sample:speech`: makes reference-provider/sample/speech.m4a again. Needs eSpeak NG
// (Debian: espeak-ng) for the voices; the committed file is what the tests use.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFfmpeg } from "./ffmpeg";
import { SPEECH, samplePath } from "./sample";

const RATE = 16_000;
const dir = mkdtempSync(join(tmpdir(), "speech-"));
try {
  const timeline = new Int16Array(SPEECH.duration_s * RATE);
  for (const [i, p] of SPEECH.phrases.entries()) {
    const wav = join(dir, `p${i}.wav`);
    const raw = join(dir, `p${i}.raw`);
    execFileSync("espeak-ng", ["-v", p.voice, "-s", "110", "-a", "60", "-w", wav, p.text]);
    await runFfmpeg(["-loglevel", "error", "-y", "-i", wav, "-ac", "1", "-ar", String(RATE), "-f", "s16le", raw]);
    const bytes = readFileSync(raw);
    // Each phrase starts at its time on an otherwise silent timeline.
    timeline.set(new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1), p.at_s * RATE);
  }
  const pcm = join(dir, "speech.raw");
  writeFileSync(pcm, timeline);
  await runFfmpeg(["-loglevel", "error", "-y", "-f", "s16le", "-ar", String(RATE), "-ac", "1", "-i", pcm, "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", samplePath(SPEECH.file)]);
  console.log(`written ${samplePath(SPEECH.file)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
