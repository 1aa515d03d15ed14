import { describe, expect, it } from "vitest";
import { cueSegments, groupSegments, plainSegments, textFormatOf } from "../../src/sources/text-document";

describe("text documents as parts", () => {
  it("cuts a text into paragraphs whose text and layout put it back together exactly", () => {
    const text = "  First paragraph, one line.\nStill the first.\n\n\nSecond one.  \n\nThird.\n";
    const segs = plainSegments(text);
    expect(segs.map((s) => s.text)).toEqual(["First paragraph, one line.\nStill the first.", "Second one.", "Third."]);
    // Positions are code point offsets into the text; the whitespace after each is kept.
    expect(segs[0]!.start_ms).toBe(2);
    expect(segs.map((s) => [...text].slice(s.start_ms, s.end_ms).join(""))).toEqual(segs.map((s) => s.text));
    expect("  " + segs.map((s) => s.text + s.after).join("")).toBe(text);
  });

  it("splits a paragraph longer than a part at sentence ends, never inside a sentence", () => {
    const sentence = "This sentence has exactly fifty characters in it. ";
    const segs = plainSegments(sentence.repeat(10).trim(), 120);
    expect(segs.length).toBe(5);
    expect(segs.every((s) => [...s.text].length <= 120)).toBe(true);
    expect(segs.map((s) => s.text + (s.after ?? "")).join("")).toBe(sentence.repeat(10).trim());
    expect(segs[1]!.start_ms).toBe(100);
  });

  it("counts code points, not UTF-16 units", () => {
    const segs = plainSegments("🎬 Action! 🎬\n\nNext.");
    expect(segs[1]!.start_ms).toBe([..."🎬 Action! 🎬\n\n"].length);
  });

  it("reads SubRip and WebVTT cues with their times, leaving out empty ones", () => {
    const srt = "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello\r\nthere\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\n \r\n\r\n3\r\n00:01:00,000 --> 00:01:01,000\r\nBye\r\n";
    expect(cueSegments(srt)).toEqual([
      { start_ms: 1000, end_ms: 2500, text: "Hello\nthere" },
      { start_ms: 60000, end_ms: 61000, text: "Bye" },
    ]);
    expect(cueSegments("WEBVTT\n\n00:00:00.500 --> 00:00:01.000\nHi\n")).toEqual([{ start_ms: 500, end_ms: 1000, text: "Hi" }]);
  });

  it("tells the format by name, else by the first line", () => {
    expect(textFormatOf("/subs/ep1.SRT", "")).toBe("srt");
    expect(textFormatOf("/subs/ep1.vtt", "")).toBe("vtt");
    expect(textFormatOf("/doc", "\uFEFFWEBVTT\n\n")).toBe("vtt");
    expect(textFormatOf("/doc", "1\n00:00:01,000 --> 00:00:02,000\nx")).toBe("srt");
    expect(textFormatOf("/doc.txt", "1\n00:00:01,000 --> 00:00:02,000\nx")).toBe("srt");
    expect(textFormatOf("/doc.txt", "Just words.")).toBe("text");
  });

  it("groups segments into parts of whole segments", () => {
    const seg = (n: number) => ({ start_ms: n, end_ms: n + 1, text: "x".repeat(40) });
    const groups = groupSegments([seg(0), seg(1), seg(2), seg(3), seg(4)], 100);
    expect(groups.map((g) => g.length)).toEqual([2, 2, 1]);
  });
});
