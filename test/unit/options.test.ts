import { describe, expect, it } from "vitest";
import { deepMerge, effectiveOptions } from "../../src/jobs/options";
import { defaultAudioStream } from "../../src/jobs/stream";

const video = { name: "shot", type: "video" as const };
const audio = { name: "asr", type: "audio" as const };
const proc = { name: "summ", type: "processor" as const };
const frame = { name: "ocr", type: "frame" as const };
const content = { qid: "c", live: false, streams: [{ name: "video" }, { name: "audio", language: "fr", channels: 2 }, { name: "audio_1", language: "en", channels: 6 }] };

describe("effective options", () => {
  it("applies defaults, then options, then overrides; scope deep-merged over the model's default", () => {
    const eff = effectiveOptions(video, content, { replace: true, scope: { start_time: 100 } }, { max_fetch_retries: 5, scope: { end_time: 200 } });
    expect(eff).toEqual({ destination_qid: "", replace: true, max_fetch_retries: 5, scope: { type: "video", start_time: 100, end_time: 200, stream: "video" } });
    expect(effectiveOptions(video, content, undefined, undefined)).toEqual({
      destination_qid: "",
      replace: false,
      max_fetch_retries: 3,
      scope: { type: "video", start_time: 0, end_time: null, stream: "video" },
    });
  });

  it("gives processor models the processor scope and audio models the default audio stream", () => {
    expect(effectiveOptions(proc, content, undefined, undefined).scope).toEqual({ type: "processor", start_time: 0, end_time: null, chunk_size: 600, stream: "video" });
    expect(effectiveOptions(audio, content, undefined, undefined).scope).toMatchObject({ stream: "audio_1" });
    expect(effectiveOptions(audio, content, { scope: { stream: "audio" } }, undefined).scope).toMatchObject({ stream: "audio" });
  });

  it("lets an override switch the scope type, dropping layers of another type", () => {
    const eff = effectiveOptions(frame, content, { scope: { type: "video", start_time: 3 } }, { scope: { type: "assets", assets: ["a.jpg"] } });
    expect(eff.scope).toEqual({ type: "assets", assets: ["a.jpg"] });
    // An untyped layer applies to whatever type wins, so its keys must fit that type.
    expect(() => effectiveOptions(frame, content, { scope: { start_time: 3 } }, { scope: { type: "assets" } })).toThrow("Unknown key 'start_time' in assets scope");
  });

  it("refuses scopes that cannot apply", () => {
    expect(() => effectiveOptions(video, content, { scope: { type: "assets" } }, undefined)).toThrow("shot is not frame-level");
    expect(() => effectiveOptions(video, content, { scope: { foo: 1 } }, undefined)).toThrow("Unknown key 'foo' in video scope");
    expect(() => effectiveOptions(video, content, { scope: { start_time: -1 } }, undefined)).toThrow(/start_time/);
    expect(() => effectiveOptions(video, content, { scope: { type: "livestream" } }, undefined)).toThrow(/not live/);
    expect(() => effectiveOptions(proc, { ...content, live: true }, undefined, undefined)).toThrow(/cannot tag live content/);
    expect(() => effectiveOptions(audio, { qid: "v", live: false, streams: [{ name: "video" }] }, undefined, undefined)).toThrow(/no audio stream/);
  });

  it("live content defaults to the livestream scope", () => {
    expect(effectiveOptions(video, { ...content, live: true }, undefined, undefined).scope).toEqual({ type: "livestream", stream: "video", segment_length: 4, max_duration: null });
  });

  it("deepMerge merges objects and replaces arrays", () => {
    expect(deepMerge({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: 3 }, l: [9] })).toEqual({ a: { b: 1, c: 3 }, l: [9] });
  });
});

describe("default audio stream", () => {
  it("prefers English 2-channel, then English, then 2-channel, then the first", () => {
    expect(defaultAudioStream([{ name: "audio", language: "en", channels: 6 }, { name: "audio_1", language: "en", channels: 2 }])).toBe("audio_1");
    expect(defaultAudioStream([{ name: "audio", language: "fr", channels: 2 }, { name: "audio_1", language: "en-US", channels: 6 }])).toBe("audio_1");
    expect(defaultAudioStream([{ name: "audio_1", language: "fr", channels: 6 }, { name: "audio_2", language: "de", channels: 2 }])).toBe("audio_2");
    expect(defaultAudioStream([{ name: "audio_2" }, { name: "audio_1" }, { name: "video" }])).toBe("audio_1");
    expect(defaultAudioStream([{ name: "video" }])).toBeUndefined();
  });
});
