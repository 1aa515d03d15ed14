import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "../../reference-provider/ffmpeg";
import { DEMO, SAMPLE_DIR, SPEECH, samplePath } from "../../reference-provider/sample";
import { freePort, type LocalService, migrateLocal, startLocalService, startReferenceProviderProcess } from "../../scripts/lib/local-service";
import { serveDirs } from "../support/range-server";

const ADMIN = "e2e-admin-token";

interface Job {
  data: { id: string; type: string; attributes: { status: string; progress: number; provider: string; error?: unknown }; meta: { client?: unknown } };
}
interface Result {
  format: string;
  language: string;
  duration: number;
  text: string;
  segments: Array<{ start: number; end: number; text: string }>;
}

/** `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (VTT) in seconds. */
const cueSeconds = (t: string) => {
  const [h, m, s] = t.replace(",", ".").split(":").map(Number);
  return h! * 3600 + m! * 60 + s!;
};

/**
 * The AI Gateway as a client uses it: an OAuth2 token for an API key, then an asynchronous
 * transcription of a speech file on a web server, polled to the end, read as JSON, SRT and VTT.
 * `wrangler dev` and the reference provider (offline PocketSphinx) as processes over loopback.
 */
describe("end to end: AI Gateway transcription, offline", () => {
  let dir: string;
  let api: LocalService;
  let provider: LocalService;
  let media: { server: Server; url: string };
  let videos: { server: Server; url: string };
  let token: string;

  const call = async (method: string, path: string, body?: unknown, auth = `Bearer ${token}`) =>
    fetch(`${api.url}${path}`, { method, headers: { authorization: auth, ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const ok = async <T>(res: Response, status = 200): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tagger-gateway-e2e-"));
    media = await serveDirs([SAMPLE_DIR]);
    // The sample's pictures (known cuts, the word on screen) with the speech sample as its sound.
    const made = join(dir, "videos");
    mkdirSync(made);
    await runFfmpeg(["-loglevel", "error", "-i", samplePath(DEMO.files.video), "-i", samplePath(SPEECH.file), "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-af", "apad", "-c:a", "aac", "-t", String(DEMO.duration_s), "-movflags", "+faststart", join(made, "talking-demo.mp4")]);
    videos = await serveDirs([made]);
    migrateLocal(join(dir, "state"));
    provider = await startReferenceProviderProcess(await freePort());
    api = await startLocalService({ port: await freePort(), persistTo: join(dir, "state"), vars: { REFERENCE_PROVIDER_URL: provider.url, URL_SIGNING_KEY: "e2e-signing-key", ADMIN_TOKEN: ADMIN, CREDENTIALS_KEY: "e2e-credentials-key" } });
    await ok(await call("PUT", "/tenants/media-co", { name: "Media Co" }, `Bearer ${ADMIN}`), 201);
    const key = await ok<{ id: string; secret: string }>(await call("POST", "/tenants/media-co/api-keys", { name: "gateway", role: "member" }, `Bearer ${ADMIN}`), 201);
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: key.id, client_secret: key.secret });
    const issued = await ok<{ access_token: string }>(await fetch(`${api.url}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() }));
    token = issued.access_token;
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await provider?.stop();
    media?.server.close();
    videos?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("transcribes the sample's speech: the known words at their times, in json, srt and vtt", async () => {
    const created = await call("POST", "/v1/transcriptions", {
      data: { type: "transcription-job", attributes: { input: { type: "audio", url: `${media.url}/${SPEECH.file}` }, options: { language: "en", format: "json" } }, meta: { client: { order: 7 } } },
    });
    const job = await ok<Job>(created, 202);
    expect(created.headers.get("location")).toBe(`/v1/transcriptions/${job.data.id}`);
    expect(job.data.attributes).toMatchObject({ status: "pending", progress: 0, provider: "reference" });

    let polled = job;
    const deadline = Date.now() + 90_000;
    while (!["completed", "failed"].includes(polled.data.attributes.status) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      polled = await ok<Job>(await call("GET", `/v1/transcriptions/${job.data.id}`));
    }
    expect(polled.data.attributes, api.output() + provider.output()).toMatchObject({ status: "completed", progress: 100 });
    expect(polled.data.meta.client).toEqual({ order: 7 });

    const result = await ok<Result>(await call("GET", `/v1/transcriptions/${job.data.id}/result`));
    expect(result).toMatchObject({ format: "json", language: "en" });
    const words = result.text.split(" ");
    for (const [i, p] of SPEECH.phrases.entries()) {
      const end = SPEECH.phrases[i + 1]?.at_s ?? SPEECH.duration_s;
      const inWindow = result.segments.filter((s) => s.start >= p.at_s - 0.1 && s.end <= end);
      expect(inWindow.length, `a segment for "${p.text}"`).toBeGreaterThan(0);
      const heard = inWindow.flatMap((s) => s.text.split(" "));
      for (const w of p.expect) {
        expect(heard, `"${w}" in ${p.at_s}-${end} s`).toContain(w);
        expect(words).toContain(w);
      }
    }

    for (const format of ["srt", "vtt"] as const) {
      const res = await call("GET", `/v1/transcriptions/${job.data.id}/result?format=${format}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(`text/${format}; charset=utf-8`);
      const body = await res.text();
      if (format === "vtt") expect(body.startsWith("WEBVTT\n\n")).toBe(true);
      const cues = [...body.matchAll(/(\d\d:\d\d:\d\d[.,]\d{3}) --> (\d\d:\d\d:\d\d[.,]\d{3})\n([^\n]+)/g)].map((m) => ({ start: cueSeconds(m[1]!), end: cueSeconds(m[2]!), text: m[3]! }));
      // One cue per segment, with the same times and words as the JSON.
      expect(cues).toEqual(result.segments.map((s) => ({ start: s.start, end: s.end, text: s.text })));
    }
  }, 120_000);

  it("analyses a video with scenes, ocr, speech_to_text, sentiment, topics and summary offline: the known cuts, the word on screen, the spoken words and what they say", async () => {
    const created = await call("POST", "/v1/video-analyses", {
      data: { type: "video-analysis-job", attributes: { input: { url: `${videos.url}/talking-demo.mp4`, features: ["scenes", "ocr", "speech_to_text", "sentiment", "topics", "summary"] }, options: { language: "en" } } },
    });
    const job = await ok<Job>(created, 202);
    expect(job.data.attributes.provider).toBe("reference");
    let polled = job;
    const deadline = Date.now() + 100_000;
    while (!["completed", "failed"].includes(polled.data.attributes.status) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      polled = await ok<Job>(await call("GET", `/v1/video-analyses/${job.data.id}`));
    }
    expect(polled.data.attributes, api.output() + provider.output()).toMatchObject({ status: "completed", progress: 100 });
    const result = await ok<{
      video_metadata: Record<string, unknown>;
      scenes: Array<{ index: number; start: number; end: number }>;
      ocr: Array<{ text: string; instances: Array<{ start: number; end: number }> }>;
      speech_to_text: Array<{ start: number; end: number; text: string; language: string }>;
      sentiment: { overall: string; score: number; instances: Array<{ start: number; end: number; label: string; score: number }> };
      topics: Array<{ name: string; confidence: number; instances: Array<{ start: number; end: number }> }>;
      summary: string;
    }>(await call("GET", `/v1/video-analyses/${job.data.id}/result`));
    expect(result.video_metadata).toMatchObject({ duration: DEMO.duration_s, width: 480, height: 270, frame_rate: DEMO.fps, format: "mp4", codec: "h264" });
    // Scenes: one per shot of the sample, joined across the 30 s parts, starting at the known cuts.
    expect(result.scenes.map((s) => s.index)).toEqual(result.scenes.map((_, i) => i));
    const starts = result.scenes.map((s) => s.start);
    expect(starts).toHaveLength(DEMO.cuts_s.length + 1);
    [0, ...DEMO.cuts_s].forEach((cut, i) => expect(Math.abs(starts[i]! - cut)).toBeLessThanOrEqual(0.1));
    // The word on screen, in the instance around the one sampled frame that shows it.
    const word = result.ocr.find((o) => o.text === DEMO.text.word);
    expect(word, JSON.stringify(result.ocr)).toBeDefined();
    expect(word!.instances.some((i) => i.start <= DEMO.text.sampled_at_s && i.end >= DEMO.text.sampled_at_s)).toBe(true);
    // The spoken words inside their phrases' windows.
    for (const [i, p] of SPEECH.phrases.entries()) {
      const end = SPEECH.phrases[i + 1]?.at_s ?? SPEECH.duration_s;
      const heard = result.speech_to_text.filter((s) => s.start >= p.at_s - 0.1 && s.end <= end).flatMap((s) => s.text.split(" "));
      for (const w of p.expect) expect(heard, `"${w}" in ${p.at_s}-${end} s: ${JSON.stringify(result.speech_to_text)}`).toContain(w);
    }
    expect(result.speech_to_text.every((s) => s.language === "en")).toBe(true);
    // "welcome" is the one word of the speech in the AFINN lexicon (+2): its segment is positive, the
    // rest neutral, and weighted by duration the whole is just short of positive (0 < score <= 0.05).
    expect(result.sentiment.overall).toBe("neutral");
    expect(result.sentiment.score).toBeGreaterThan(0);
    expect(result.sentiment.instances.find((i) => i.label === "positive")).toMatchObject({ start: expect.closeTo(1, 0) });
    expect(result.sentiment.instances.filter((i) => i.label !== "neutral")).toHaveLength(1);
    // Topics: content words said, each where it is said.
    const movie = result.topics.find((t) => t.name === "movie");
    expect(movie?.instances.every((i) => i.start >= 15.9 && i.end <= SPEECH.duration_s), JSON.stringify(result.topics)).toBe(true);
    expect(result.topics.map((t) => t.name)).toEqual(expect.arrayContaining(["show", "tonight"]));
    // The summary: the part's two most representative segments, the first of them the welcome.
    expect(result.summary.startsWith("welcome to the show")).toBe(true);
    expect(polled.data.attributes).not.toHaveProperty("warnings.0.code", "FEATURE_FAILED");
  }, 150_000);
});
