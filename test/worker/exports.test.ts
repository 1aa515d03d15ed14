import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, devToken, expectError, json, registerHls, registerModel, startJob, waitFor } from "./helpers";

describe("tag exports", () => {
  beforeAll(async () => {
    await registerModel("expm");
    await registerHls("exp1", 3);
    // 700 tags a part: 2100 in all, more than one page of the export.
    const { jobs } = await startJob("exp1", { jobs: [{ model: "expm", model_params: { tags_per_part: 700 } }] });
    await waitFor("exp1", jobs[0]!.job_id, ["succeeded"], 30_000);
  });

  it("downloads a track as WebVTT, in time order, as an attachment", async () => {
    const res = await call("GET", "/exp1/tags/export?format=vtt&track=expm");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/vtt; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="exp1-expm.vtt"');
    const text = await res.text();
    expect(text.startsWith("WEBVTT - Title of exp1 (expm)\n\n")).toBe(true);
    const cues = text.split("\n\n").filter((b) => b.includes("-->"));
    expect(cues).toHaveLength(2100);
    expect(cues[0]).toBe("1\n00:00:00.000 --> 00:00:00.050\nexpm tag 0 at 0");
    const starts = cues.map((c) => c.split("\n")[1]!.slice(0, 12));
    expect(starts).toEqual([...starts].sort());
    expect(cues.at(-1)).toMatch(/^2100\n00:01:17\.900 --> 00:01:17\.950\nexpm tag 699 at 8000$/);
  });

  it("downloads SRT, and all tags of the content as JSON across pages", async () => {
    const srt = await (await call("GET", "/exp1/tags/export?format=srt&track=expm")).text();
    expect(srt.split("\n\n")[0]).toBe("1\n00:00:00,000 --> 00:00:00,050\nexpm tag 0 at 0");
    const res = await call("GET", "/exp1/tags/export");
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = await json<{ qid: string; tags: Array<{ id: string; start_time: number; additional_info: unknown }> }>(res, 200);
    expect(body.qid).toBe("exp1");
    expect(body.tags).toHaveLength(2100);
    expect(new Set(body.tags.map((t) => t.id)).size).toBe(2100);
    expect(body.tags[0]!.additional_info).toEqual({ confidence: 0.9 });
    for (let i = 1; i < body.tags.length; i++) expect(body.tags[i]!.start_time).toBeGreaterThanOrEqual(body.tags[i - 1]!.start_time);
  });

  it("refuses what it cannot export, and other tenants", async () => {
    await expectError(await call("GET", "/exp1/tags/export?format=vtt"), 400, /.+/, /track/);
    await expectError(await call("GET", "/exp1/tags/export?format=vtt&track=nope"), 404, "TRACK_NOT_FOUND");
    await expectError(await call("GET", "/exp1/tags/export?format=pdf"), 400, "VALIDATION_ERROR", /format/);
    await json(await call("PUT", "/tenants/expother", { token: ADMIN, body: { name: "other" } }), 201);
    await json(await call("PUT", "/tenants/expother/members/0x00000000000000000000000000000000000000e1", { token: ADMIN, body: { role: "member" } }), 200);
    await expectError(await call("GET", "/exp1/tags/export", { token: devToken("0x00000000000000000000000000000000000000e1") }), 403);
  });
});

describe("playing content in the dashboard", () => {
  it("signs uploaded MP4s, passes URLs through, and says why an uploaded HLS playlist cannot play", async () => {
    await json(await call("PUT", "/contents/playmp4", { body: { title: "mp4", streams: { video: { file: "v.mp4" } } } }), 201);
    const mp4 = await json<{ url: string; type: string }>(await call("GET", "/contents/playmp4/play"), 200);
    expect(mp4).toEqual({ url: expect.stringMatching(/^http:\/\/tagger\.test\/media\/[\w-]+\.[\w-]+$/), type: "mp4" });
    await json(await call("PUT", "/contents/playurl", { body: { title: "url", streams: { video: { url: "https://media.example.com/live/index.m3u8" } } } }), 201);
    expect(await json(await call("GET", "/contents/playurl/play"), 200)).toEqual({ url: "https://media.example.com/live/index.m3u8", type: "hls" });
    await expectError(await call("GET", "/exp1/play".replace("/exp1", "/contents/exp1")), 409, "NOT_PLAYABLE");
    await expectError(await call("GET", "/contents/playmp4/play?stream=audio_9"), 404, "STREAM_NOT_FOUND");
  });
});
