import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, json, providerCalls, registerHls, registerModel, startJob, waitFor, type ApiBody } from "./helpers";

async function tags(qid: string, query = ""): Promise<ApiBody[]> {
  return (await json<{ tags: ApiBody[] }>(await call("GET", `/${qid}/tags${query}`), 200)).tags;
}

async function vttCues(qid: string, track: string): Promise<number> {
  const res = await call("GET", `/${qid}/tags/export?format=vtt&track=${track}`);
  expect(res.status).toBe(200);
  return ((await res.text()).match(/-->/g) ?? []).length;
}

async function run(qid: string, model: string, params: Record<string, unknown>, options: Record<string, unknown> = {}) {
  const { jobs } = await startJob(qid, { options, jobs: [{ model, model_params: params }] });
  expect(jobs[0]!.started).toBe(true);
  return waitFor(qid, jobs[0]!.job_id, ["succeeded", "failed", "cancelled"]);
}

describe("results in content time: joined across parts, one current copy", () => {
  it("cut: a segment cut only by part boundaries is one tag, in /tags, tracks and exports", async () => {
    await registerModel("joincut", { boundary: "cut" });
    await registerHls("jc", 3);
    const done = await run("jc", "joincut", { span_part: "scene" });
    expect(done).toMatchObject({ status: "succeeded", tagging_progress: "3/3" });
    const all = await tags("jc");
    expect(all.map((t) => [t.start_time, t.end_time, t.text])).toEqual([[0, 12_000, "scene"]]);
    const { tracks } = await json<{ tracks: ApiBody[] }>(await call("GET", "/jc/tracks"), 200);
    expect(tracks.find((t: ApiBody) => t.name === "joincut")?.tag_count).toBe(1);
    expect(await vttCues("jc", "joincut")).toBe(1);
  });

  it("segment: consecutive tags with the same text are one, with the best confidence and every frame", async () => {
    await registerModel("joinseg", { boundary: "segment" });
    await registerHls("js", 3);
    await run("js", "joinseg", { span_part: "TAGGER", confidence_by_part: { "0": 0.5, "4000": 0.97, "8000": 0.7 } });
    const [tag, ...rest] = await tags("js");
    expect(rest).toEqual([]);
    expect(tag).toMatchObject({ start_time: 0, end_time: 12_000, text: "TAGGER", additional_info: { confidence: 0.97 } });
    expect(tag.additional_info.frames.map((f: ApiBody) => [f.time, f.confidence])).toEqual([[0, 0.5], [4000, 0.97], [8000, 0.7]]);
  });

  it("stretch: equal stretches touching at a boundary merge; a tag marked boundary none stays whole", async () => {
    await registerModel("joinstr", { boundary: "stretch" });
    await registerHls("jst", 3);
    await run("jst", "joinstr", { span_part: "silence" });
    expect((await tags("jst")).map((t) => [t.start_time, t.end_time])).toEqual([[0, 12_000]]);
    await registerHls("jst2", 3);
    await run("jst2", "joinstr", { span_part: "-23.0 LUFS integrated", opt_out: true });
    expect((await tags("jst2")).map((t) => [t.start_time, t.end_time])).toEqual([[0, 4000], [4000, 8000], [8000, 12_000]]);
  });

  it("none: tags stay as the provider gave them", async () => {
    await registerModel("joinnone");
    await registerHls("jn", 2);
    await run("jn", "joinnone", { span_part: "same" });
    expect(await tags("jn")).toHaveLength(2);
  });

  it("replace: true leaves exactly one current copy; replace: false adds only parts not yet tagged", async () => {
    await registerModel("rerun", { boundary: "cut" });
    await registerHls("rr", 3);
    await run("rr", "rerun", { span_part: "first" });
    await run("rr", "rerun", { span_part: "second" }, { replace: true });
    expect((await tags("rr")).map((t) => [t.start_time, t.end_time, t.text])).toEqual([[0, 12_000, "second"]]);
    expect(await vttCues("rr", "rerun")).toBe(1);
    const again = await run("rr", "rerun", { span_part: "third" }, { replace: false });
    expect(again.tag_details.total_parts).toBe(0);
    expect((await tags("rr")).map((t) => t.text)).toEqual(["second"]);
  });

  it("a deleted job's tags leave /tags, tracks and exports, and its parts count as untagged again", async () => {
    await registerModel("deljob");
    await registerHls("dj", 2);
    const done = await run("dj", "deljob", { tags_per_part: 2 });
    expect(await tags("dj")).toHaveLength(4);
    expect((await call("DELETE", `/jobs/${done.job_id}`)).status).toBe(204);
    expect(await tags("dj")).toEqual([]);
    expect(await vttCues("dj", "deljob")).toBe(0);
    const { tracks } = await json<{ tracks: ApiBody[] }>(await call("GET", "/dj/tracks"), 200);
    expect(tracks.find((t: ApiBody) => t.name === "deljob")?.tag_count ?? 0).toBe(0);
    // replace: false now tags every part again: nothing it could read is left from the deleted run.
    const rerun = await run("dj", "deljob", { tags_per_part: 2 }, { replace: false });
    expect(rerun.tag_details.total_parts).toBe(2);
    expect(await tags("dj")).toHaveLength(4);
  });

  it("a stopped job counts the parts that finish after the stop: status, tags and report agree", async () => {
    await registerModel("stopcount", { provider: { kind: "http", url: env.TEST_PROVIDER_URL, concurrency: 4 } });
    await registerHls("sc", 6);
    const { jobs } = await startJob("sc", { jobs: [{ model: "stopcount", model_params: { latency_ms: 600 } }] });
    const jobId = jobs[0]!.job_id;
    // Stop while the first parts are at the provider (it records a call when it arrives, and
    // answers 600 ms later): waiting for "running" alone can stop before any part was sent.
    await expect.poll(async () => (await providerCalls("stopcount")).filter((c) => !("done_at" in c)).length, { timeout: 5000 }).toBeGreaterThan(0);
    await json(await call("POST", "/sc/stop"), 200);
    const stored = async () => new Set((await tags("sc")).map((t) => t.source)).size;
    // The in-flight parts still land; then the stopped job's counters equal what is stored.
    await expect.poll(async () => {
      const job = await waitFor("sc", jobId, ["cancelled"]);
      return [job.tag_details.tagged_parts, await stored()];
    }, { timeout: 10_000 }).toSatisfy(([counted, inStore]) => counted === inStore && counted > 0);
  });
});
