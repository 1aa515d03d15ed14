import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MediaError } from "../../reference-provider/ffmpeg";
import { runAsr, segmentTags } from "../../reference-provider/models/asr";
import { SAMPLE_DIR, SPEECH } from "../../reference-provider/sample";
import { utterances } from "../../reference-provider/speech/utterances";

const speech = { url: join(SAMPLE_DIR, SPEECH.file), kind: "audio" as const, start_ms: 0, duration_ms: SPEECH.duration_s * 1000 };
type Word = { word: string; start_time: number; end_time: number };
const wordsOf = (tags: Awaited<ReturnType<typeof runAsr>>) => tags.flatMap((t) => (t.additional_info?.words as Word[] | undefined) ?? []);

describe("offline speech to text (PocketSphinx)", () => {
  it("hears the sample's known words inside the windows where they are spoken, the same on every run", async () => {
    const tags = await runAsr(speech, {});
    const words = wordsOf(tags);
    for (const [i, p] of SPEECH.phrases.entries()) {
      // A phrase's words lie between its start and the next phrase's start.
      const from = p.at_s * 1000;
      const to = (SPEECH.phrases[i + 1]?.at_s ?? SPEECH.duration_s) * 1000;
      const heard = words.filter((w) => w.start_time >= from - 100 && w.end_time <= to).map((w) => w.word);
      for (const w of p.expect) expect(heard, `phrase "${p.text}" at ${p.at_s} s`).toContain(w);
    }
    // Segments are the pauses between phrases: each phrase is one tag with English text.
    expect(tags.map((t) => Math.round(t.start_time / 1000))).toEqual(SPEECH.phrases.map((p) => p.at_s));
    for (const t of tags) {
      expect(t.additional_info?.language).toBe("en");
      expect(t.text).toBe(((t.additional_info?.words as Word[]) ?? []).map((w) => w.word).join(" "));
    }
    expect(await runAsr(speech, {})).toEqual(tags);
  }, 60_000);

  it("times words in the part: a window of the file starting at 8 s puts the counting 1 s in", async () => {
    const tags = await runAsr({ ...speech, kind: "range", start_ms: 8000, duration_ms: 7000 }, {});
    const seven = wordsOf(tags).find((w) => w.word === "seven");
    expect(seven).toBeDefined();
    expect(seven!.start_time).toBeGreaterThan(1000);
    expect(seven!.end_time).toBeLessThan(6000);
  }, 60_000);

  it("refuses a language it does not know as a permanent failure of the part", async () => {
    await expect(runAsr(speech, { language: "fr" })).rejects.toBeInstanceOf(MediaError);
  });
});

describe("utterances and segments", () => {
  it("finds no speech in digital silence and one utterance per phrase between pauses", () => {
    expect(utterances(new Int16Array(16_000 * 3))).toEqual([]);
    const tone = (n: number) => Int16Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
    const audio = new Int16Array(16_000 * 4);
    audio.set(tone(8000), 8000); // 0.5-1.0 s
    audio.set(tone(8000), 40_000); // 2.5-3.0 s
    const found = utterances(audio);
    expect(found).toHaveLength(2);
    // With 200 ms of context on each side.
    expect(found.map((u) => [u.start / 16, (u.start + u.samples.length) / 16])).toEqual([
      [300, 1200],
      [2300, 3200],
    ]);
  });

  it("starts a new segment at a pause of 400 ms or after 7 s", () => {
    const w = (word: string, s: number, e: number) => ({ word, start_ms: s, end_ms: e });
    const tags = segmentTags([w("a", 0, 300), w("b", 350, 600), w("c", 1100, 1400), ...Array.from({ length: 30 }, (_, i) => w(`x${i}`, 2000 + i * 300, 2250 + i * 300))]);
    expect(tags.map((t) => t.text.split(" ")[0])).toEqual(["a", "c", "x0", "x23"]);
    expect(tags[0]).toMatchObject({ start_time: 0, end_time: 600, text: "a b" });
  });
});
