import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { RESERVED_CONTENT_IDS } from "../../src/api/reserved-words";
import { call, expectError, json, registerHls, registerModel, startJob, waitFor } from "./helpers";

const putContent = (qid: string, body: unknown) => call("PUT", `/contents/${qid}`, { body });

describe("errors that name their cause", () => {
  it("content ids may not be route words: 400 with the list, whatever the case", async () => {
    for (const qid of ["models", "Jobs", "search", "openapi.json", "v1"]) {
      await expectError(await putContent(qid, { title: "x", streams: { video: { url: "https://media.example.com/x.m3u8" } } }), 400, "RESERVED_ID", /reserved.*models, oauth/);
    }
  });

  it("every top-level route word of the app (and the dashboard's folder) is reserved", () => {
    const words = new Set(buildApp().routes.map((r) => r.path.split("/")[1] ?? "").filter((w) => w && !w.startsWith(":") && w !== "*"));
    words.add("ui");
    expect([...words].filter((w) => !RESERVED_CONTENT_IDS.includes(w))).toEqual([]);
  });

  it("415 says which content type to send", async () => {
    const res = await call("PUT", "/contents/ct1", { raw: JSON.stringify({ title: "x" }), headers: { "content-type": "text/plain" } });
    await expectError(res, 415, "UNSUPPORTED_MEDIA_TYPE", /Content-Type: application\/json/);
  });

  it("stopping an unknown model is 400 naming it; a known one with nothing running is 404", async () => {
    await registerHls("stop-err", 1);
    await expectError(await call("POST", "/stop-err/stop/nosuchmodel"), 400, "MODEL_NOT_FOUND", "Model nosuchmodel not found");
    await registerModel("stopknown");
    await expectError(await call("POST", "/stop-err/stop/stopknown"), 404, "NO_RUNNING_JOBS");
  });

  it("uploads are checked on arrival: a file that is not an MP4, or not a playlist, is refused and not stored", async () => {
    await json(await putContent("upl", { title: "x", streams: { video: { file: "clip.mp4" } } }), 201);
    const bytes = new TextEncoder().encode("this is not a movie");
    const mp4 = await call("PUT", "/contents/upl/files/clip.mp4", { raw: bytes, headers: { "content-length": String(bytes.length) } });
    await expectError(mp4, 422, "UNREADABLE_MEDIA", /clip\.mp4 was not stored: not an MP4 file/);
    expect(await env.BUCKET.head("files/upl/clip.mp4")).toBeNull();
    const text = new TextEncoder().encode("hello, I am not a playlist");
    const m3u8 = await call("PUT", "/contents/upl/files/v.m3u8", { raw: text, headers: { "content-length": String(text.length) } });
    await expectError(m3u8, 422, "UNREADABLE_MEDIA", /not a valid HLS playlist: it does not start with #EXTM3U/);
    // Other files are stored as they come (segments, images).
    const seg = await call("PUT", "/contents/upl/files/seg0.ts", { raw: bytes, headers: { "content-length": String(bytes.length) } });
    expect(seg.status).toBe(201);
  });

  it("a source whose host does not resolve fails the job with that cause, not an internal error", async () => {
    await registerModel("dnsfail");
    await json(await putContent("dns1", { title: "x", streams: { video: { url: "http://no-such-host.invalid/master.m3u8" } } }), 201);
    const { jobs } = await startJob("dns1", { options: { max_fetch_retries: 0 }, jobs: [{ model: "dnsfail" }] });
    const done = await waitFor("dns1", jobs[0]!.job_id, ["failed", "succeeded"]);
    expect(done.error).toMatch(/^Failed to list parts of dns1: Fetching http:\/\/no-such-host\.invalid\/master\.m3u8 failed: the host name could not be resolved/);
    expect(done.error).not.toMatch(/internal error/);
  });

  it("a live job on a playlist that cannot be read is refused with the read's cause, not 'not live'", async () => {
    await registerModel("liveunread");
    await json(await putContent("lu1", { title: "x", streams: { video: { url: `${env.TEST_PROVIDER_URL}/no/such/live.m3u8` } } }), 201);
    const res = await call("POST", "/lu1/tag", { body: { options: { scope: { type: "livestream" } }, jobs: [{ model: "liveunread" }] } });
    await expectError(res, 400, "SOURCE_UNREADABLE", /playlist of content lu1 cannot be read.*answered 404/);
  });
});
