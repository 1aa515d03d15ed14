import { fileURLToPath } from "node:url";

/**
 * The sample content `demo` and what is known to be in it. The files are committed (about 1 MB)
 * so that nothing needs a font or a download at run time; `npm run sample` makes them again
 * with the npm-installed ffmpeg (see make-sample.ts).
 *
 * Every interval sits inside one 10 s part, where a per-part model sees it whole.
 */
export const DEMO = {
  qid: "demo",
  title: "Demo: test patterns with known cuts, black, text, silence and loudness",
  part_duration: 10,
  duration_s: 60,
  fps: 25,
  /** Scene cuts: five test patterns, then black from 44 s to 46 s, then a sixth pattern. */
  cuts_s: [4, 13, 26.4, 35, 44, 46],
  black_s: [[44, 46]] as Array<[number, number]>,
  /** The word on screen from 41.5 s to 42.5 s: sampled at 1 fps only the frame at 42 s shows it. */
  text: { word: "TAGGER", from_s: 41.5, to_s: 42.5, sampled_at_s: 42 },
  /** A 440 Hz tone (32 kHz, so the AAC track ends exactly at 60 s) at -26 dBFS (about -29 LUFS), silent from 23 s to 26 s and at -1 dBFS from 52 s to 55 s. */
  silence_s: [[23, 26]] as Array<[number, number]>,
  loud_s: [[52, 55]] as Array<[number, number]>,
  files: { video: "demo.mp4", image: "sign.png" },
  /** The text of the image asset. */
  image_text: "HELLO WORLD",
} as const;

/**
 * `speech.m4a`: synthetic speech (eSpeak NG's Klatt voices, made by `npm run sample:speech`)
 * with known phrases at known times, for speech to text. The phrases are ones the offline
 * recogniser hears right; a test asserts the words it must find inside each phrase's window.
 */
export const SPEECH = {
  file: "speech.m4a",
  duration_s: 20,
  phrases: [
    { at_s: 1, voice: "en-us+klatt3", text: "welcome to the show", expect: ["welcome", "show"] },
    { at_s: 5, voice: "en-us+klatt3", text: "the president said today", expect: ["said", "today"] },
    { at_s: 9, voice: "en-us+klatt3", text: "one two three four five six seven eight nine ten", expect: ["three", "four", "five", "six", "seven", "eight", "nine"] },
    { at_s: 16, voice: "en-us+klatt6", text: "the movie starts tonight", expect: ["movie", "starts", "tonight"] },
  ],
} as const;

export const SAMPLE_DIR = fileURLToPath(new URL("./sample/", import.meta.url));
export const samplePath = (file: string) => `${SAMPLE_DIR}${file}`;
