import { describe, expect, it } from "vitest";
import type { LiveSegmentInput } from "../../src/contract/live";
import { formParts, groupSegments, intakeSegments, type LiveState, type PendingSegment } from "../../src/durable-objects/live-intake";
import { freshLive, planLiveAnswer, planPollFailure, reviveVerdict } from "../../src/durable-objects/live-plan";
import type { JobState } from "../../src/durable-objects/runner-store";
import { endOfParts, nextAlarmAt, partFailureWarning, PLAN_WATCHDOG_MS, planPartResult } from "../../src/durable-objects/runner-timers";

const NOW = 1_700_000_000_000;

function liveJob(over: Partial<JobState> = {}, scope: Record<string, unknown> = {}): JobState {
  return {
    id: "j1",
    status: "running",
    init: {
      job_id: "j1",
      qid: "q",
      model: "m",
      model_type: "video",
      stream: "video",
      tenant_id: "t",
      user: "u",
      title: "T",
      target_qid: "q",
      params: { feature: "m", run_config: {}, scope: { type: "livestream", stream: "video", segment_length: 2, max_duration: null, ...scope } as JobState["init"]["params"]["scope"], replace: false, destination_qid: "", max_fetch_retries: 2 },
      tracks: [{ name: "t", label: "T" }],
      providers: [],
      concurrency: 2,
      created_at: NOW - 60_000,
    },
    total: 0,
    downloaded: 0,
    tagged: 0,
    failed: 0,
    inflight: 0,
    num_warnings: 0,
    last_warning: null,
    error: null,
    last_tag_error: null,
    plan_attempts: 0,
    started_at: NOW - 50_000,
    ended_at: null,
    seq: 1,
    dirty: 0,
    last_flush: NOW - 10_000,
    reason: null,
    status_changed: NOW - 60_000,
    ...over,
  };
}

const seg = (msn: number, extra: Partial<LiveSegmentInput> = {}): LiveSegmentInput => ({ msn, discontinuity: 0, duration_ms: 1000, source: `https://live.example/seg${msn}.ts`, ...extra });
const pending = (msn: number, wall: number, extra: Partial<PendingSegment> = {}): PendingSegment => ({ ...seg(msn), wall_ms: wall, seen_at: NOW, ...extra });
const live = (over: Partial<LiveState> = {}): LiveState => ({ ...freshLive(liveJob(), 1000)!, ...over });

describe("live segments into parts (pure)", () => {
  it("groups segments up to the part length; a discontinuity closes a group early; flush keeps a short last group", () => {
    const segs = [pending(1, 0), pending(2, 1000), pending(3, 2000), pending(4, 3000, { discontinuity: 1 }), pending(5, 4000, { discontinuity: 1 })];
    expect(groupSegments(segs, 2000, false).map((g) => g.map((s) => s.msn))).toEqual([[1, 2], [3], [4, 5]]);
    expect(groupSegments(segs.slice(0, 3), 2000, false).map((g) => g.map((s) => s.msn))).toEqual([[1, 2]]);
    expect(groupSegments(segs.slice(0, 3), 2000, true).map((g) => g.map((s) => s.msn))).toEqual([[1, 2], [3]]);
  });

  it("starts a new job at the live edge: only the newest part's worth of segments is taken", () => {
    const intake = intakeSegments(live({ segment_length_ms: 2000 }), [seg(10), seg(11), seg(12), seg(13)], NOW);
    expect(intake.added.map((s) => s.msn)).toEqual([12, 13]);
    // Without program dates, times count back from now.
    expect(intake.added.map((s) => s.wall_ms)).toEqual([NOW - 2000, NOW - 1000]);
    expect(intake).toMatchObject({ last_msn: 13, missed: 0 });
  });

  it("takes only segments after the last one seen, and counts those that left the playlist unseen", () => {
    const state = live({ last_msn: 11, last_disc: 0, last_wall_end: 5000 });
    const intake = intakeSegments(state, [seg(10), seg(11), seg(14), seg(15)], NOW);
    expect(intake.added.map((s) => s.msn)).toEqual([14, 15]);
    expect(intake).toMatchObject({ missed: 2, first_missed: 12, last_msn: 15 });
  });

  it("continues wall-clock time from the last segment, and prefers the program date", () => {
    const state = live({ last_msn: 11, last_disc: 0, last_wall_end: 5000 });
    expect(intakeSegments(state, [seg(12), seg(13)], NOW).added.map((s) => s.wall_ms)).toEqual([5000, 6000]);
    expect(intakeSegments(state, [seg(12, { program_date_ms: 9000 })], NOW).added[0]!.wall_ms).toBe(9000);
  });

  it("a restarted sequence (a lower number in the same discontinuity) is read as new", () => {
    const state = live({ last_msn: 50, last_disc: 0, last_wall_end: 5000 });
    expect(intakeSegments(state, [seg(1), seg(2)], NOW).added.map((s) => s.msn)).toEqual([1, 2]);
  });

  it("forms parts named by their wall-clock start, stops at max_duration, and carries every segment's source", () => {
    const state = live({ segment_length_ms: 2000, max_duration_ms: 4000 });
    const { parts, covered, done } = formParts([pending(1, 0), pending(2, 1000), pending(3, 2000), pending(4, 3000), pending(5, 4000), pending(6, 5000)], state, "video", false);
    expect(parts.map((p) => [p.id, p.start_ms, p.duration_ms])).toEqual([
      ["video/live/0", 0, 2000],
      ["video/live/2000", 2000, 2000],
    ]);
    expect(parts[0]!.concat?.map((c) => c.source)).toEqual(["https://live.example/seg1.ts", "https://live.example/seg2.ts"]);
    expect(parts[0]!.live?.msns).toEqual([1, 2]);
    expect({ covered, done }).toEqual({ covered: 4000, done: true });
  });
});

describe("live plans (pure)", () => {
  it("the first answer starts a queued job; the same answer again adds no segment and no part", () => {
    const job = liveJob({ status: "queued" });
    const first = planLiveAnswer(job, null, [], [seg(1), seg(2), seg(3)], 1000, false, NOW)!;
    expect(first.starts).toBe(true);
    expect(first.parts.map((p) => p.live?.msns)).toEqual([[2, 3]]);
    const again = planLiveAnswer(liveJob(), first.live, [], [seg(1), seg(2), seg(3)], 1000, false, NOW + 500)!;
    expect(again).toMatchObject({ starts: false, pendingAdded: [], parts: [], missed: null });
  });

  it("keeps a short group pending until it fills a part, and drops it when the playlist ends", () => {
    const job = liveJob();
    const state = live({ segment_length_ms: 2000, last_msn: 1, last_disc: 0, last_wall_end: 1000 });
    const waiting = planLiveAnswer(job, state, [], [seg(2)], 1000, false, NOW)!;
    expect(waiting.parts).toEqual([]);
    expect(waiting.pendingAdded.map((s) => s.msn)).toEqual([2]);
    const ended = planLiveAnswer(job, waiting.live, waiting.pendingAdded, [seg(2)], 1000, true, NOW)!;
    expect(ended.parts.map((p) => p.live?.msns)).toEqual([[2]]);
    expect(ended.live.done).toBe(1);
  });

  it("names missed segments in the warning", () => {
    const plan = planLiveAnswer(liveJob(), live({ last_msn: 4, last_disc: 0, last_wall_end: 1000 }), [], [seg(8)], 1000, false, NOW)!;
    expect(plan.missed).toEqual({ count: 3, warning: "Missed segment 7" });
  });

  it("takes no answer once reading is done", () => {
    expect(planLiveAnswer(liveJob(), live({ done: 1 }), [], [seg(1)], 1000, false, NOW)).toBeNull();
  });

  it("backs off on a failed read and fails after max_fetch_retries in a row", () => {
    const first = planPollFailure(liveJob(), null, "HTTP 500", NOW);
    expect(first).toMatchObject({ warning: "HTTP 500", live: { poll_failures: 1, next_poll_at: NOW + 2000 } });
    const second = planPollFailure(liveJob(), live({ poll_failures: 1, target_ms: 1000 }), "HTTP 500", NOW);
    expect(second).toMatchObject({ live: { poll_failures: 2, next_poll_at: NOW + 2000 } });
    expect(planPollFailure(liveJob(), live({ poll_failures: 2 }), "HTTP 500", NOW)).toEqual({ fail: "Failed to fetch the live playlist 3 times in a row: HTTP 500" });
  });

  it("the cron re-arms a missing or late alarm only", () => {
    const state = live({ next_poll_at: NOW, target_ms: 2000 });
    expect(reviveVerdict(state, NOW + 1000, NOW + 1000)).toBe("ok");
    expect(reviveVerdict(state, null, NOW)).toBe("rearm");
    expect(reviveVerdict(state, NOW, NOW + 2001)).toBe("rearm");
  });
});

describe("runner timers and endings (pure)", () => {
  it("the alarm is due at the earliest timer", () => {
    const queued = liveJob({ status: "queued", dirty: 0 }, {});
    expect(nextAlarmAt({ ...queued, init: { ...queued.init, params: { ...queued.init.params, scope: { type: "video", start_time: 0, end_time: null, stream: "video" } } } }, null, null, null)).toBe(queued.init.created_at + PLAN_WATCHDOG_MS);
    expect(nextAlarmAt(liveJob({ dirty: 1 }), live({ next_poll_at: NOW + 5000 }), NOW + 3000, null)).toBe(NOW - 10_000 + 1000);
    expect(nextAlarmAt(liveJob(), live({ next_poll_at: NOW + 5000 }), NOW + 3000, NOW + 100)).toBe(NOW + 100);
    expect(nextAlarmAt(liveJob({ status: "succeeded" }), null, null, null)).toBeNull();
  });

  it("words a failed part's warning by stage, and a gone live segment as missed", () => {
    const part = { id: "video/0-4000", idx: 0, start_ms: 0, duration_ms: 4000, kind: "segment" as const, source: "r2:x", content_type: "video/mp2t" };
    expect(partFailureWarning(part, { ok: false, stage: "fetch", transient: false, error: "404" })).toBe("Failed to download part video/0-4000: 404");
    expect(partFailureWarning(part, { ok: false, stage: "tag", transient: false, error: "422" })).toBe("Failed to tag part video/0-4000: 422");
    expect(partFailureWarning({ ...part, live: { msns: [7, 8], seen_at: NOW } }, { ok: false, stage: "fetch", transient: false, error: "404" })).toBe("Missed segment 7");
  });

  it("a job fails only when the model failed on every part; a live job reading on does not end", () => {
    const vod = (over: Partial<JobState>) => {
      const j = liveJob(over);
      return { ...j, init: { ...j.init, params: { ...j.init.params, scope: { type: "video" as const, start_time: 0, end_time: null, stream: "video" } } } };
    };
    expect(endOfParts(vod({ tagged: 2, failed: 1, last_tag_error: "x" }), null, false)).toEqual({ status: "succeeded" });
    expect(endOfParts(vod({ tagged: 0, failed: 2, last_tag_error: "422" }), null, false)).toEqual({ status: "failed", error: "422" });
    expect(endOfParts(vod({ inflight: 1 }), null, false)).toBeNull();
    expect(endOfParts(vod({}), null, true)).toBeNull();
    expect(endOfParts(liveJob(), live(), false)).toBeNull();
    expect(endOfParts(liveJob(), live({ done: 1 }), false)).toEqual({ status: "succeeded" });
  });

  it("a part's result: counters, the tags event, and a stopped job's late part counted without touching inflight", () => {
    const running = liveJob({ tagged: 2, downloaded: 2, inflight: 3, failed: 0 });
    const part = { id: "p", idx: 0, ref: { id: "p", idx: 0, start_ms: 4000, duration_ms: 4000, kind: "segment" as const, source: "r2:x", content_type: "video/mp2t" }, state: "inflight" as const, attempts: 1, deadline: 0, downloaded: 0 };
    expect(planPartResult(running, part, { ok: true, tags: 2, span: [4100, 7000] }, false)).toEqual({
      part: { state: "done", downloaded: 1 },
      job: { tagged: 3, downloaded: 3, inflight: 2 },
      tags: { count: 2, start_time: 4100, end_time: 7000 },
    });
    expect(planPartResult({ ...running, status: "cancelled", inflight: 0 }, { ...part, state: "stopping" as never, downloaded: 1 }, { ok: true, tags: 0 }, true)).toEqual({
      part: { state: "done", downloaded: 1 },
      job: { tagged: 3, downloaded: 2 },
      tags: null,
    });
    expect(planPartResult(running, part, { ok: false, stage: "tag", transient: false, error: "422" }, false).job).toEqual({
      failed: 1, inflight: 2, num_warnings: 1, last_warning: "Failed to tag part p: 422", last_tag_error: "422",
    });
  });
});
