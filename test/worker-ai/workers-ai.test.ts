import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, json, startJob, waitFor } from "../worker/helpers";

/** The stand-ins record what they were asked (see test/stubs). */
interface AiCall {
  model: string;
  inputs: Record<string, unknown>;
}
interface MediaOutput {
  input_bytes: number;
  transform: Record<string, unknown> | null;
  output: Record<string, unknown>;
}
const aiCalls = async (model: string) => ((await (env.AI as unknown as { calls(): Promise<AiCall[]> }).calls()) as AiCall[]).filter((c) => c.model === model);
const mediaOutputs = async () => (await (env.MEDIA as unknown as { outputs(): Promise<MediaOutput[]> }).outputs()) as MediaOutput[];

interface Tag {
  start_time: number;
  end_time: number;
  text: string;
  source: string;
  frame_info: { frame_idx: number; box?: { x1: number; y1: number; x2: number; y2: number } } | null;
  additional_info: Record<string, unknown> | null;
}
const tagsOf = async (qid: string, track: string) => (await json<{ tags: Tag[] }>(await call("GET", `/${qid}/tags?track=${track}&limit=1000`), 200)).tags;

/** The first 20 s of the sample (two 10 s parts of the MP4). */
const FIRST_20S = { type: "video", start_time: 0, end_time: 20 };

async function runJob(qid: string, body: unknown) {
  const { jobs } = await startJob(qid, body);
  expect(jobs[0]?.started, jobs[0]?.message).toBe(true);
  return waitFor(qid, jobs[0]!.job_id, ["succeeded", "failed"], 25_000);
}

describe("Workers AI models through the AI and Media Transformations bindings", () => {
  beforeAll(async () => {
    // The sample content, served by the loopback media server and copied into R2 by the registry.
    const files = `${env.TEST_PROVIDER_URL}/files`;
    await json(
      await call("PUT", "/contents/wai", {
        body: {
          title: "Workers AI sample",
          streams: { video: { url: `${files}/demo.mp4` }, audio: { url: `${files}/demo.mp4`, language: "en" } },
          assets: { "sign.png": { url: `${files}/sign.png` } },
          part_duration: 10,
        },
      }),
      201,
    );
  });

  it("lists the Workers AI models as available when the bindings exist", async () => {
    const { models } = await json<{ models: Array<{ name: string; available: boolean }> }>(await call("GET", "/models"), 200);
    for (const name of ["asr", "object", "label", "caption"]) expect(models.find((m) => m.name === name)?.available, name).toBe(true);
  });

  it("asr: each part's audio goes to Whisper as base64 M4A; segments become speech_to_text tags in content time", async () => {
    const done = await runJob("wai", { jobs: [{ model: "asr", overrides: { scope: { type: "video", start_time: 0, end_time: 20, stream: "audio" } } }] });
    expect(done).toMatchObject({ status: "succeeded", tagging_progress: "2/2", stream: "audio" });
    const calls = await aiCalls("@cf/openai/whisper-large-v3-turbo");
    expect(calls).toHaveLength(2);
    expect(calls[0]!.inputs).toEqual({ audio: expect.stringMatching(/^string:\d+$/), task: "transcribe", vad_filter: true });
    const audio = (await mediaOutputs()).filter((o) => o.output.mode === "audio");
    expect(audio.map((o) => o.output).sort((a, b) => String(a.time).localeCompare(String(b.time)))).toEqual([
      { mode: "audio", time: "0s", duration: "10s", format: "m4a" },
      { mode: "audio", time: "10s", duration: "10s", format: "m4a" },
    ]);
    const tags = await tagsOf("wai", "speech_to_text");
    expect(tags.map((t) => [t.start_time, t.end_time, t.text])).toEqual([
      [520, 2860, "Welcome to the channel."],
      [3500, 6240, "Tonight: the news at nine."],
      [10_520, 12_860, "Welcome to the channel."],
      [13_500, 16_240, "Tonight: the news at nine."],
    ]);
    expect(tags[0]!.additional_info).toEqual({ confidence: 0.8353, no_speech_prob: 0.012, language: "en" });
  });

  it("object: frames sampled at fps go to DETR; boxes become fractions of the frame and frame_idx counts from the content's start", async () => {
    const done = await runJob("wai", { options: { scope: FIRST_20S }, jobs: [{ model: "object" }] });
    expect(done).toMatchObject({ status: "succeeded", tagging_progress: "2/2" });
    // fps 0.5: frames at 0, 2, 4, 6, 8 s of each part.
    expect(await aiCalls("@cf/facebook/detr-resnet-50")).toHaveLength(10);
    const frames = (await mediaOutputs()).filter((o) => o.output.mode === "frame").map((o) => o.output.time);
    expect(frames).toEqual(expect.arrayContaining(["0s", "2s", "8s", "10s", "18s"]));
    const tags = await tagsOf("wai", "object_detection");
    // score >= 0.5: "tv" and "person" in each of the 10 frames, each joined into one segment
    // (object models join by segment) that keeps every frame's box.
    expect(tags.map((t) => [t.text, t.start_time, t.end_time]).sort()).toEqual([["person", 0, 20_000], ["tv", 0, 20_000]]);
    const tv = tags.find((t) => t.text === "tv")!;
    expect(tv).toMatchObject({ frame_info: { frame_idx: 0, box: { x1: 0.1, y1: 0.1, x2: 0.9, y2: 0.9 } }, additional_info: { confidence: 0.9981 } });
    const kept = tv.additional_info?.frames as Array<{ time: number; frame_idx: number }>;
    expect(kept).toHaveLength(10);
    expect(kept.find((f) => f.time === 12_000)?.frame_idx).toBe(6);
  });

  it("label and caption: ResNet's top labels above min_score, LLaVA's description with the prompt", async () => {
    const label = await runJob("wai", { options: { scope: { type: "video", start_time: 0, end_time: 10 } }, jobs: [{ model: "label", model_params: { fps: 0.2, top_k: 2 } }] });
    expect(label.status).toBe("succeeded");
    const labels = await tagsOf("wai", "image_classification");
    // The same labels on both sampled frames (0 s, 5 s): one segment each.
    expect(labels.map((t) => [t.start_time, t.end_time, t.text])).toEqual([
      [0, 10_000, "TELEVISION"],
      [0, 10_000, "MONITOR"],
    ]);
    const caption = await runJob("wai", { options: { scope: { type: "video", start_time: 0, end_time: 10 } }, jobs: [{ model: "caption", model_params: { prompt: "What is on screen?" } }] });
    expect(caption.status).toBe("succeeded");
    const llava = await aiCalls("@cf/llava-hf/llava-1.5-7b-hf");
    expect(llava).toHaveLength(1);
    expect(llava[0]!.inputs).toMatchObject({ prompt: "What is on screen?", max_tokens: 96, image: expect.stringMatching(/^bytes:\d+$/) });
    expect((await tagsOf("wai", "caption")).map((t) => t.text)).toEqual(["A television test pattern with coloured bars and the word TAGGER in a white box."]);
  });

  it("image assets go to the model as they are, without Media Transformations", async () => {
    const before = (await mediaOutputs()).length;
    const done = await runJob("wai", { options: { scope: { type: "assets" } }, jobs: [{ model: "label" }] });
    expect(done.status).toBe("succeeded");
    expect((await mediaOutputs()).length).toBe(before);
    const png = (await aiCalls("@cf/microsoft/resnet-50")).at(-1)!;
    expect(png.inputs.image).toBe(`bytes:${(await (await fetch(`${env.TEST_PROVIDER_URL}/files/sign.png`)).arrayBuffer()).byteLength}`);
  });

  it("retries capacity errors (transient) and fails on unknown models (permanent)", async () => {
    const put = (name: string, model: string) =>
      call("PUT", `/models/${name}`, { token: ADMIN, body: { type: "frame", provider: { kind: "workers-ai", model, task: "image-classification" } } });
    await json(await put("busygpu", "@cf/test/capacity"), 200);
    await json(await put("nogpu", "@cf/test/unknown"), 200);
    const busy = await runJob("wai", { options: { scope: { type: "assets" }, max_fetch_retries: 3 }, jobs: [{ model: "busygpu" }] });
    expect(busy).toMatchObject({ status: "succeeded", tagging_progress: "1/1" });
    expect(await aiCalls("@cf/test/capacity")).toHaveLength(3);
    const none = await runJob("wai", { options: { scope: { type: "assets" } }, jobs: [{ model: "nogpu" }] });
    expect(none.status).toBe("failed");
    expect(none.error).toMatch(/5007: No such model/);
    expect(await aiCalls("@cf/test/unknown")).toHaveLength(1);
  });
});
