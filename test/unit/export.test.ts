import { describe, expect, it } from "vitest";
import { srtCue, vttCue, vttHeader } from "../../src/tagstore/export";

describe("tag exports", () => {
  it("writes WebVTT cues with hours, milliseconds and safe text", () => {
    expect(vttHeader("Film (speech_to_text)")).toBe("WEBVTT - Film (speech_to_text)\n\n");
    expect(vttCue({ start_time: 3_723_004, end_time: 3_725_500, text: "Hello <b>world</b> & --> friends\nagain" }, 1)).toBe(
      "1\n01:02:03.004 --> 01:02:05.500\nHello &lt;b>world&lt;/b> &amp; → friends again\n\n",
    );
  });

  it("writes SRT cues with comma milliseconds", () => {
    expect(srtCue({ start_time: 520, end_time: 2860, text: "Welcome to the channel." }, 7)).toBe("7\n00:00:00,520 --> 00:00:02,860\nWelcome to the channel.\n\n");
  });

  it("gives instant tags a cue that ends after it starts", () => {
    expect(vttCue({ start_time: 4000, end_time: 4000, text: "cut" }, 2)).toContain("00:00:04.000 --> 00:00:04.001");
  });
});
