import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEMO, samplePath } from "../../reference-provider/sample";
import { mp4DurationMs, readMp4Info } from "../../src/sources/mp4";

describe("MP4 durations", () => {
  it("reads what each stream plays, not the movie header padded by AAC priming", async () => {
    const buf = readFileSync(samplePath(DEMO.files.video));
    const reads: number[] = [];
    const info = await readMp4Info(async (offset, length) => {
      reads.push(length);
      return buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + length) as ArrayBuffer;
    }, buf.length);
    // ffmpeg writes the movie header from the audio track before its edit list: 60.032 s.
    expect((info.duration / info.timescale) * 1000).toBeGreaterThan(60_000);
    expect(mp4DurationMs(info, "video")).toBe(DEMO.duration_s * 1000);
    expect(mp4DurationMs(info, "audio")).toBe(DEMO.duration_s * 1000);
    expect(mp4DurationMs(info)).toBe(DEMO.duration_s * 1000);
    // Only box headers and the moov box were read, never the media.
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThan(buf.length / 10);
  });
});
