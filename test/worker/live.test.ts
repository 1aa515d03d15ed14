import { createExecutionContext, createScheduledController, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { beforeAll, describe, expect, it } from "vitest";
import { runnerName } from "../../src/contract/runner";
import type { LiveConfig } from "../support/live-hls";
import { call, expectError, json, registerModel, startJob, waitFor, type ApiBody } from "./helpers";

/** Starts a channel on the loopback live origin and registers it as content. */
async function liveContent(qid: string, config: LiveConfig) {
  const res = await fetch(`${env.TEST_PROVIDER_URL}/live/${qid}/config`, { method: "POST", body: JSON.stringify(config) });
  expect(res.status).toBe(200);
  await json(await call("PUT", `/contents/${qid}`, { body: { title: `Live ${qid}`, streams: { video: { url: `${env.TEST_PROVIDER_URL}/live/${qid}/index.m3u8` } } } }), 201);
}

interface Tag {
  start_time: number;
  end_time: number;
  source: string;
  job_id: string;
  additional_info: { timestamp_ms?: number } | null;
}
/** The Worker's scheduled handler, as the cron trigger runs it. */
async function runCron(controller: ScheduledController) {
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

const tagsOf = async (qid: string) => (await json<{ tags: Tag[] }>(await call("GET", `/${qid}/tags?limit=1000`), 200)).tags;
const job = async (qid: string, jobId: string) => (await json<ApiBody>(await call("GET", `/${qid}/job-status`), 200)).jobs.find((j: { job_id: string }) => j.job_id === jobId);

/**
 * A live job on a channel that stalls after its first segment, once that segment's part exists:
 * the test then hands the runner playlist answers itself (`seg(msn)` is one of that channel's segments).
 */
async function stalledLiveJob(qid: string) {
  await liveContent(qid, { segment_s: 1, stall_after: 1 });
  const { jobs } = await startJob(qid, { options: { scope: { type: "livestream", segment_length: 1 } }, jobs: [{ model: "livem" }] });
  const jobId = jobs[0]!.job_id;
  await expect.poll(async () => (await job(qid, jobId)).tag_details?.total_parts ?? 0, { timeout: 10_000 }).toBe(1);
  const seg = (msn: number) => ({ msn, discontinuity: 0, duration_ms: 1000, source: `${env.TEST_PROVIDER_URL}/live/${qid}/seg${msn}.ts`, program_date_ms: Date.now() });
  return { jobId, runner: env.TAG_RUNNER.getByName(runnerName(qid, "livem")), seg };
}

describe("livestream tagging", () => {
  beforeAll(async () => {
    await registerModel("livem");
    await registerModel("liveproc", { type: "processor" });
  });

  it("gives live content the livestream scope by default and refuses processor models", async () => {
    await liveContent("live-defaults", { segment_s: 1 });
    const { jobs } = await startJob("live-defaults", { jobs: [{ model: "livem" }] });
    const j = await job("live-defaults", jobs[0]!.job_id);
    expect(j.params.scope).toEqual({ type: "livestream", stream: "video", segment_length: 4, max_duration: null });
    await json(await call("POST", "/live-defaults/stop/livem"), 200);
    await waitFor("live-defaults", jobs[0]!.job_id, ["cancelled"], 5000);
    await expectError(await call("POST", "/live-defaults/tag", { body: { jobs: [{ model: "liveproc" }] } }), 400, /.+/, /processor/);
  });

  it("ends succeeded at max_duration with exactly the expected intervals, in wall-clock time", async () => {
    await liveContent("live-max", { segment_s: 1 });
    const { jobs } = await startJob("live-max", { options: { scope: { type: "livestream", segment_length: 2, max_duration: 6 } }, jobs: [{ model: "livem" }] });
    const done = await waitFor("live-max", jobs[0]!.job_id, ["succeeded", "failed", "cancelled"], 20_000);
    expect(done).toMatchObject({ status: "succeeded", tagging_progress: "3/3", status_reason: "max_duration_reached" });
    expect(done.tag_details.live_lag_s).toEqual(expect.any(Number));
    expect(done.tag_details.live_lag_s).toBeLessThan(5);
    expect(Date.parse(done.tag_details.last_tagged_at)).toBeGreaterThan(0);
    const tags = await tagsOf("live-max");
    expect(tags).toHaveLength(3);
    const starts = tags.map((t) => t.start_time);
    // Contiguous 2 s intervals, each tag carrying its wall-clock time.
    expect(starts[1]! - starts[0]!).toBe(2000);
    expect(starts[2]! - starts[1]!).toBe(2000);
    for (const t of tags) expect(t.additional_info?.timestamp_ms).toBe(t.start_time);
    expect(Math.abs(starts[0]! - Date.now())).toBeLessThan(60_000);
  });

  it("joins as each interval closes: touching stretches are one tag while the stream goes on", async () => {
    await registerModel("livejoin", { boundary: "stretch" });
    await liveContent("live-join", { segment_s: 1 });
    const { jobs } = await startJob("live-join", { options: { scope: { type: "livestream", segment_length: 1 } }, jobs: [{ model: "livejoin", model_params: { span_part: "on air" } }] });
    const jobId = jobs[0]!.job_id;
    await expect
      .poll(async () => {
        const j = await job("live-join", jobId);
        const tags = await tagsOf("live-join");
        return j.status === "running" && j.tag_details.tagged_parts >= 3 && tags.length === 1 && tags[0]!.end_time - tags[0]!.start_time >= 3000;
      }, { timeout: 15_000 })
      .toBe(true);
    await json(await call("POST", "/live-join/stop"), 200);
  });

  it("stops promptly: the job ends cancelled and keeps what it tagged", async () => {
    await liveContent("live-stop", { segment_s: 1 });
    const { jobs } = await startJob("live-stop", { options: { scope: { type: "livestream", segment_length: 1 } }, jobs: [{ model: "livem" }] });
    await expect.poll(async () => (await job("live-stop", jobs[0]!.job_id)).tag_details?.tagged_parts ?? 0, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const t0 = Date.now();
    await json(await call("POST", "/live-stop/stop"), 200);
    const done = await waitFor("live-stop", jobs[0]!.job_id, ["cancelled"], 2000);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect((await tagsOf("live-stop")).length).toBe(done.tag_details.tagged_parts);
  });

  it("warns about segments that left the playlist unseen, and goes on", async () => {
    await liveContent("live-gap", { segment_s: 1, gap_at: 3, gap: 2 });
    const { jobs } = await startJob("live-gap", { options: { scope: { type: "livestream", segment_length: 1, max_duration: 6 } }, jobs: [{ model: "livem" }] });
    const done = await waitFor("live-gap", jobs[0]!.job_id, ["succeeded", "failed"], 20_000);
    expect(done).toMatchObject({ status: "succeeded", tagging_progress: "6/6" });
    expect(done.tag_details.warnings).toEqual({ num_warnings: 2, last_warning: "Missed segment 4" });
  });

  it("ends succeeded when the stream ends (EXT-X-ENDLIST), with the last short part kept", async () => {
    await liveContent("live-end", { segment_s: 1, end_after: 5 });
    const { jobs } = await startJob("live-end", { options: { scope: { type: "livestream", segment_length: 2 } }, jobs: [{ model: "livem" }] });
    const done = await waitFor("live-end", jobs[0]!.job_id, ["succeeded", "failed", "cancelled"], 20_000);
    expect(done).toMatchObject({ status: "succeeded", status_reason: "stream_ended" });
    const tags = await tagsOf("live-end");
    expect(tags.length).toBe(done.tag_details.tagged_parts);
    expect(tags.length).toBeGreaterThanOrEqual(1);
  });

  it("a live segment gone from the origin when fetched is a missed segment, not a failure", async () => {
    await liveContent("live-gone", { segment_s: 1 });
    const { jobs } = await startJob("live-gone", { options: { scope: { type: "livestream", segment_length: 1, max_duration: 3 } }, jobs: [{ model: "livem" }] });
    const jobId = jobs[0]!.job_id;
    // Reconfiguring the channel restarts its clock: segments seen before are gone from the origin.
    await expect.poll(async () => (await job("live-gone", jobId)).tag_details?.total_parts ?? 0, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await fetch(`${env.TEST_PROVIDER_URL}/live/live-gone/config`, { method: "POST", body: JSON.stringify({ segment_s: 1, real_dir: "/nonexistent", real_count: 1 }) });
    const done = await waitFor("live-gone", jobId, ["succeeded", "failed"], 20_000);
    expect(done.status).toBe("succeeded");
    expect(done.tag_details.warnings?.last_warning).toMatch(/^Missed segment \d+$/);
  });

  it("follows a restarted media sequence after a discontinuity without losing or repeating an interval", async () => {
    await liveContent("live-restart", { segment_s: 1, restart_at: 2 });
    const { jobs } = await startJob("live-restart", { options: { scope: { type: "livestream", segment_length: 1, max_duration: 5 } }, jobs: [{ model: "livem" }] });
    const done = await waitFor("live-restart", jobs[0]!.job_id, ["succeeded", "failed"], 20_000);
    expect(done).toMatchObject({ status: "succeeded", tagging_progress: "5/5" });
    const starts = (await tagsOf("live-restart")).map((t) => t.start_time);
    expect(starts).toHaveLength(5);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBe(1000);
  });

  it("fails after max_fetch_retries failed playlist fetches in a row", async () => {
    await liveContent("live-fail", { segment_s: 1, fail_after: 3 });
    const { jobs } = await startJob("live-fail", { options: { max_fetch_retries: 1, scope: { type: "livestream", segment_length: 1 } }, jobs: [{ model: "livem" }] });
    const done = await waitFor("live-fail", jobs[0]!.job_id, ["failed", "succeeded"], 20_000);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/^Failed to fetch the live playlist 2 times in a row/);
  });

  it("changes nothing when the same playlist answer arrives twice", async () => {
    const { jobId, runner, seg } = await stalledLiveJob("live-dup");
    await runner.liveSegments(jobId, [seg(1)], 1000, false);
    await runner.liveSegments(jobId, [seg(1)], 1000, false);
    expect(await runner.parts()).toHaveLength(2);
    await json(await call("POST", "/live-dup/stop"), 200);
  });

  it("the cron re-arms a live runner whose alarm is gone, and the job goes on", async () => {
    await liveContent("live-cron", { segment_s: 1 });
    const { jobs } = await startJob("live-cron", { options: { scope: { type: "livestream", segment_length: 1 } }, jobs: [{ model: "livem" }] });
    const jobId = jobs[0]!.job_id;
    await expect.poll(async () => (await job("live-cron", jobId)).tag_details?.tagged_parts ?? 0, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    const runner = env.TAG_RUNNER.getByName(runnerName("live-cron", "livem"));
    // Lose the runner's clock: no alarm means no more polls.
    await runInDurableObject(runner, (_o, state) => state.storage.deleteAlarm());
    expect(await runInDurableObject(runner, (_o, state) => state.storage.getAlarm())).toBeNull();
    const before = (await job("live-cron", jobId)).tag_details.total_parts;
    const controller = createScheduledController({ scheduledTime: new Date(), cron: "* * * * *" });
    await runCron(controller);
    // The re-armed alarm fires at once and sets the next one (while it runs, none is set).
    await expect.poll(() => runInDurableObject(runner, (_o, state) => state.storage.getAlarm()), { timeout: 3000 }).not.toBeNull();
    await expect.poll(async () => (await job("live-cron", jobId)).tag_details.total_parts, { timeout: 10_000 }).toBeGreaterThan(before);
    // A second cron run finds nothing to do.
    await runCron(controller);
    await json(await call("POST", "/live-cron/stop"), 200);
  });

  it("the cron fails a live job whose runner no longer runs it, with the reason", async () => {
    const params = { feature: "livem", run_config: {}, scope: { type: "livestream", stream: "video", segment_length: 4, max_duration: null }, replace: false, destination_qid: "", max_fetch_retries: 3 };
    const old = Date.now() - 10 * 60_000;
    await env.DB.prepare(
      `INSERT INTO jobs (id, qid, model, stream, tenant_id, user, title, destination_qid, status, params, created_at, started_at, snapshot_seq)
       VALUES ('orphan-live', 'live-orphan', 'livem', 'video', 'dev', '0xde70000000000000000000000000000000000001', 'Orphan', '', 'running', ?, ?, ?, 5)`,
    )
      .bind(JSON.stringify(params), old, old)
      .run();
    await runCron(createScheduledController({ scheduledTime: new Date(), cron: "* * * * *" }));
    const row = await env.DB.prepare("SELECT status, error, status_reason FROM jobs WHERE id = 'orphan-live'").first<{ status: string; error: string; status_reason: string }>();
    expect(row).toEqual({ status: "failed", error: "The live job's runner no longer runs it", status_reason: "runner_lost" });
  });

  it("a runtime lost between a live answer's D1 writes and its own transaction loses no interval and repeats none", async () => {
    const { jobId, runner, seg } = await stalledLiveJob("live-lost");
    // The next answer's D1 writes land; its transaction (the live state, then the parts it
    // covers) breaks at its last step, and the object goes away with whatever it held in memory.
    await runInDurableObject(runner, (instance) => {
      // Element access reaches the runner's private part store, as nothing outside the object may.
      const store = instance["store"];
      const insertParts = store.insertParts.bind(store);
      store.insertParts = () => {
        store.insertParts = insertParts;
        throw new Error("runtime lost");
      };
    });
    const lost = await runner.liveSegments(jobId, [seg(1), seg(2)], 1000, false).then(
      () => null,
      (e: unknown) => e,
    );
    expect(String(lost)).toMatch(/runtime lost/);
    expect(await runner.parts()).toHaveLength(1);
    await runInDurableObject(runner, (_runner, state) => state.abort("restart")).catch(() => undefined);
    // The next look at the playlist plans the same segment again: its part exists once.
    const again = env.TAG_RUNNER.getByName(runnerName("live-lost", "livem"));
    await again.liveSegments(jobId, [seg(1), seg(2)], 1000, false);
    await again.liveSegments(jobId, [seg(1), seg(2)], 1000, false);
    const parts = await again.parts();
    expect(parts).toHaveLength(2);
    expect(new Set(parts.map((p) => p.id)).size).toBe(2);
    await expect.poll(async () => (await job("live-lost", jobId)).tag_details?.tagged_parts ?? 0, { timeout: 10_000 }).toBe(2);
    await json(await call("POST", "/live-lost/stop"), 200);
    await waitFor("live-lost", jobId, ["cancelled", "succeeded"], 5000);
    const starts = (await tagsOf("live-lost")).map((t) => t.start_time);
    expect(starts).toHaveLength(2);
    expect(new Set(starts).size).toBe(2);
  });

  it("a restarted job with replace=false does not tag an interval twice", async () => {
    await liveContent("live-again", { segment_s: 1, window: 12 });
    const first = await startJob("live-again", { options: { scope: { type: "livestream", segment_length: 2 } }, jobs: [{ model: "livem" }] });
    await expect.poll(async () => (await job("live-again", first.jobs[0]!.job_id)).tag_details?.tagged_parts ?? 0, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await json(await call("POST", "/live-again/stop"), 200);
    await waitFor("live-again", first.jobs[0]!.job_id, ["cancelled"], 3000);
    const second = await startJob("live-again", { options: { replace: false, scope: { type: "livestream", segment_length: 2, max_duration: 4 } }, jobs: [{ model: "livem" }] });
    await waitFor("live-again", second.jobs[0]!.job_id, ["succeeded", "failed"], 20_000);
    const tags = await tagsOf("live-again");
    const starts = tags.map((t) => t.start_time);
    expect(new Set(starts).size).toBe(starts.length);
    expect(tags.some((t) => t.job_id === second.jobs[0]!.job_id)).toBe(true);
  });
});
