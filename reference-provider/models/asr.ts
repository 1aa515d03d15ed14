import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inputArgs, MediaError, type MediaInput, runFfmpeg } from "../ffmpeg";
import { recognize, SAMPLE_RATE, type Word } from "../speech/pocketsphinx";
import { utterances } from "../speech/utterances";
import type { Params, Tag } from "./types";

/** The part's first audio track as 16 kHz mono PCM. */
async function pcm(media: MediaInput): Promise<Int16Array> {
  const dir = await mkdtemp(join(tmpdir(), "asr-"));
  try {
    const out = join(dir, "audio.raw");
    await runFfmpeg([...inputArgs(media), "-vn", "-map", "0:a:0", "-ac", "1", "-ar", String(SAMPLE_RATE), "-f", "s16le", "-y", out]);
    const bytes = await readFile(out);
    return new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A segment ends at a pause this long, or once it is this long; subtitles read best so. */
const SEGMENT_GAP_MS = 400;
const SEGMENT_MAX_MS = 7_000;

/** Words (times in ms in the part) into segments: one tag each, with its words. */
export function segmentTags(words: Word[]): Tag[] {
  const tags: Tag[] = [];
  let run: Word[] = [];
  const flush = () => {
    if (!run.length) return;
    tags.push({
      start_time: Math.round(run[0]!.start_ms),
      end_time: Math.round(run[run.length - 1]!.end_ms),
      text: run.map((w) => w.word).join(" "),
      additional_info: { language: "en", words: run.map((w) => ({ word: w.word, start_time: Math.round(w.start_ms), end_time: Math.round(w.end_ms) })) },
    });
    run = [];
  };
  for (const w of words) {
    const first = run[0];
    const last = run[run.length - 1];
    if (first && last && (w.start_ms - last.end_ms >= SEGMENT_GAP_MS || w.end_ms - first.start_ms > SEGMENT_MAX_MS)) flush();
    run.push(w);
  }
  flush();
  return tags;
}

/** A part this model cannot transcribe whatever the retries: the provider answers 422. */
export class UnsupportedLanguage extends MediaError {}

export function requireEnglish(params: Params): void {
  if (typeof params.language === "string" && params.language !== "en") {
    throw new UnsupportedLanguage(`the reference speech models know English (en) only, not ${params.language}`);
  }
}

/**
 * The words of a part, in ms from its start. The text models (sentiment, topics, summary) read
 * the same transcript as asr: a part asked for by several of them at once is heard once.
 */
const heardParts = new Map<string, Promise<Word[]>>();
const HEARD_KEPT = 16;

export function transcribe(media: MediaInput): Promise<Word[]> {
  const key = `${media.kind}|${media.url}|${media.start_ms}|${media.duration_ms}`;
  let heard = heardParts.get(key);
  if (!heard) {
    heard = (async () => {
      const parts = utterances(await pcm(media));
      const words = await recognize(parts.map((u) => u.samples));
      return parts.flatMap((u, i) =>
        words[i]!.map((w) => ({ word: w.word, start_ms: (u.start * 1000) / SAMPLE_RATE + w.start_ms, end_ms: Math.min(media.duration_ms, (u.start * 1000) / SAMPLE_RATE + w.end_ms) })),
      );
    })();
    heardParts.set(key, heard);
    heard.catch(() => heardParts.delete(key));
    if (heardParts.size > HEARD_KEPT) heardParts.delete(heardParts.keys().next().value!);
  }
  return heard;
}

/** US English speech to text with PocketSphinx: one tag per segment of speech, words inside. */
export async function runAsr(media: MediaInput, params: Params): Promise<Tag[]> {
  requireEnglish(params);
  return segmentTags(await transcribe(media));
}

