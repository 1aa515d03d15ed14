import { describe, expect, it } from "vitest";
import { call, json, jobsOf, providerCalls, registerHls, registerModel, startJob, waitFor, type ApiBody } from "./helpers";

describe("tagging engine", () => {
  it("shows a part as downloaded while a slow provider works on it, before it is tagged", async () => {
    await registerModel("slowdl", { provider: { kind: "http", url: (await import("cloudflare:workers")).env.TEST_PROVIDER_URL, concurrency: 1 }, default_params: { latency_ms: 2000 } });
    await registerHls("slowdl-c", 2);
    const { jobs } = await startJob("slowdl-c", { jobs: [{ model: "slowdl" }] });
    const progress = async () => {
      const [job] = (await json(await call("GET", `/slowdl-c/job-status`), 200) as { jobs: Array<{ tag_details: { downloaded_parts: number; tagged_parts: number } | null }> }).jobs;
      return job?.tag_details ? [job.tag_details.downloaded_parts, job.tag_details.tagged_parts] : null;
    };
    // The first part is at the provider for 2 s: downloaded, not yet tagged.
    await expect.poll(progress, { timeout: 5000, interval: 100 }).toEqual([1, 0]);
    const done = await waitFor("slowdl-c", jobs[0]!.job_id, ["succeeded", "failed"], 15_000);
    expect(done.tag_details).toMatchObject({ downloaded_parts: 2, tagged_parts: 2 });
  });

  it("tags every part of an HLS content and stores aligned tags", async () => {
    await registerModel("eng1");
    await registerHls("movie1", 6);
    const { jobs } = await startJob("movie1", { jobs: [{ model: "eng1", model_params: { tags_per_part: 2 } }] });
    expect(jobs).toEqual([{ job_id: expect.any(String), model: "eng1", stream: "video", started: true, message: "Job enqueued", error: null }]);
    const done = await waitFor("movie1", jobs[0]!.job_id, ["succeeded", "failed"]);
    expect(done).toMatchObject({
      status: "succeeded",
      progress: 1,
      tagging_progress: "6/6",
      tag_details: { tag_status: "Completed", total_parts: 6, downloaded_parts: 6, tagged_parts: 6, warnings: null },
    });
    const tags = await json<{ tags: ApiBody[]; meta: ApiBody }>(await call("GET", "/movie1/tags?limit=100"), 200);
    expect(tags.meta).toEqual({ total: 12, start: 0, limit: 100, count: 12 });
    // The provider's times are relative to the part; stored times are content time.
    expect(tags.tags.map((t) => t.start_time)).toEqual([0, 100, 4000, 4100, 8000, 8100, 12000, 12100, 16000, 16100, 20000, 20100]);
    expect(tags.tags[2]).toMatchObject({ track: "eng1", end_time: 4050, source: "video/4000-8000", job_id: jobs[0]!.job_id, additional_info: { confidence: 0.9 } });
    const calls = await providerCalls("eng1");
    expect(calls).toHaveLength(6);
    expect(calls[0]!.media).toMatchObject({ kind: "video", content_type: "video/mp2t", duration_ms: 4000 });
    expect(calls[0]!.media.url).toMatch(/^http:\/\/tagger\.test\/media\//);
    expect((await jobsOf("movie1")).meta).toEqual({ total: 1, start: 0, limit: 1000, count: 1 });
  });
});
