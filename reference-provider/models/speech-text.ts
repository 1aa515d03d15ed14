import type { MediaInput } from "../ffmpeg";
import { keywords, sentimentOf, summarize } from "../text/analysis";
import { requireEnglish, segmentTags, transcribe } from "./asr";
import type { Params, Tag } from "./types";

/*
 * Text models over what is said: each hears the part (the same transcript as asr) and reads
 * its segments of speech. A part with no speech has no tags.
 */

async function segments(media: MediaInput, params: Params) {
  requireEnglish(params);
  return segmentTags(await transcribe(media));
}

/** One tag per segment of speech: its label (positive, neutral, negative), score in [-1, 1]. */
export async function runSentiment(media: MediaInput, params: Params): Promise<Tag[]> {
  return (await segments(media, params)).map((s) => {
    const { score, label } = sentimentOf(s.text);
    return { start_time: s.start_time, end_time: s.end_time, text: label, additional_info: { score, transcript: s.text } };
  });
}

/** The part's keywords (at most `max_topics`), each tagged over the segments that say it; confidence: its count over the top count. */
export async function runTopics(media: MediaInput, params: Params): Promise<Tag[]> {
  const segs = await segments(media, params);
  const top = keywords(segs.map((s) => s.text), params.max_topics as number);
  const most = top[0]?.count ?? 1;
  return top.flatMap((k) =>
    segs
      .filter((s) => s.text.toLowerCase().split(" ").includes(k.word))
      .map((s) => ({ start_time: s.start_time, end_time: s.end_time, text: k.word, additional_info: { confidence: Math.round((k.count / most) * 1000) / 1000, count: k.count } })),
  );
}

/** One tag over the part's speech: its `sentences` most representative segments. */
export async function runSummary(media: MediaInput, params: Params): Promise<Tag[]> {
  const segs = await segments(media, params);
  const text = summarize(segs.map((s) => s.text), params.sentences as number);
  if (!text) return [];
  return [{ start_time: segs[0]!.start_time, end_time: segs[segs.length - 1]!.end_time, text }];
}
