/*
 * Cuts a part's audio into utterances at pauses before recognition: the decoder keeps a lattice
 * for the whole utterance in a fixed 96 MiB heap, and word times are best when an utterance is
 * one stretch of speech. Energy per 10 ms frame, relative to the loudest frame, decides what a
 * pause is (speech in a quiet room and in a loud mix both work).
 */

const FRAME = 160; // 10 ms at 16 kHz
/** Frames quieter than the loudest one by this much are pauses. */
const PAUSE_BELOW_PEAK_DB = 35;
/** Anything quieter than this is a pause whatever the peak. */
const SILENCE_DBFS = -50;
/** A pause this long (frames) may end an utterance. */
const MIN_PAUSE = 25;
/** Utterances are cut at the first pause past this length, and hard at MAX_FRAMES. */
const TARGET_FRAMES = 1_500;
const MAX_FRAMES = 2_000;

export interface Utterance {
  /** Sample offset in the part. */
  start: number;
  samples: Int16Array;
}

function frameDb(samples: Int16Array, from: number): number {
  let sum = 0;
  const end = Math.min(samples.length, from + FRAME);
  for (let i = from; i < end; i++) sum += samples[i]! * samples[i]!;
  const rms = Math.sqrt(sum / Math.max(1, end - from)) / 32768;
  return rms > 0 ? 20 * Math.log10(rms) : -120;
}

export function utterances(samples: Int16Array): Utterance[] {
  const frames = Math.ceil(samples.length / FRAME);
  const db = Array.from({ length: frames }, (_, f) => frameDb(samples, f * FRAME));
  const peak = Math.max(-120, ...db);
  const threshold = Math.max(SILENCE_DBFS, peak - PAUSE_BELOW_PEAK_DB);
  const voiced = db.map((d) => d > threshold);

  const out: Utterance[] = [];
  let begin = -1; // first voiced frame of the utterance being built
  let lastVoiced = -1;
  const close = (endFrame: number) => {
    // Keep 200 ms of context on both sides: the decoder needs some silence around words.
    const from = Math.max(0, begin - 20) * FRAME;
    const to = Math.min(frames, endFrame + 20) * FRAME;
    out.push({ start: from, samples: samples.subarray(from, Math.min(samples.length, to)) });
    begin = -1;
  };
  for (let f = 0; f < frames; f++) {
    if (voiced[f]) {
      if (begin < 0) begin = f;
      lastVoiced = f;
      if (f - begin >= MAX_FRAMES) close(f + 1);
      continue;
    }
    if (begin >= 0 && f - lastVoiced >= MIN_PAUSE && (f - begin >= TARGET_FRAMES || f - lastVoiced >= 2 * MIN_PAUSE)) close(lastVoiced + 1);
  }
  if (begin >= 0) close(lastVoiced + 1);
  return out;
}
