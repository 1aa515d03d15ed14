import { DurableObject } from "cloudflare:workers";
import type { PartRef } from "../src/jobs/parts";
import { runnerName, type JobInit, type PartOutcome, type QueueMessage, type StartResult } from "../src/jobs/runner-types";
import { DEFAULT_TIMEOUT_S, SLOT_WAIT_MS } from "../src/providers/types";

import { EventLog, type FeedEvent, type FeedEventType, progressData } from "./feed-events";
import { type LiveSegmentInput, LiveStore, type PendingSegment, groupSegments } from "./live-store";
import { type JobState, type PartRow, RunnerStore } from "./runner-store";
import { insertJobRow, jobRowOf, writeSnapshot } from "./snapshot";
import { jobStatusView } from "../src/jobs/view";
import { createBatches } from "../src/tagstore/write";
import { reportedParts } from "./reported-parts";

/** How long the runner waits for a queued job's plan before sending the plan message again. */
const PLAN_WATCHDOG_MS = 30_000;
/** How long a part may take on top of its provider's timeout (queue delay, fetching). */
const PART_SLACK_MS = 20_000;
const SNAPSHOT_INTERVAL_MS = 1_000;
/** At most one progress event per job this often (about 10 a second). */
const PROGRESS_INTERVAL_MS = 100;
/** Longest a live job waits between looks at its playlist when the playlist cannot be read. */
const MAX_POLL_BACKOFF_MS = 30_000;

/**
 * One per (content, model). Owns the pair's active job: decides whether a start may start,
 * keeps the state of every part in its SQLite storage, keeps a bounded number of parts in
 * flight, re-dispatches overdue parts, and snapshots progress to D1. It never fetches media or
 * calls providers: while it awaits I/O other events interleave, so every decision is made in
 * synchronous storage calls before the first await.
 */
export class TagRunner extends DurableObject<Env> {
  private readonly store: RunnerStore;
  private readonly live: LiveStore;
  private readonly events: EventLog;
  /** Publishing to the tenant feed in order (in memory: lost with the object, like the events it carries are not). */
  private published: Promise<void> = Promise.resolve();
  private lastProgressAt = 0;
  private progressPending = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new RunnerStore(ctx.storage.sql);
    this.live = new LiveStore(ctx.storage.sql);
    this.events = new EventLog(ctx.storage.sql);
    // Answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /**
   * The pair's feed (`GET /{qid}/feed/{model}`; the Worker checked the caller): a snapshot of the
   * job, the events after `since`, then every event as it happens. Hibernatable sockets.
   */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a websocket", { status: 426 });
    const since = new URL(request.url).searchParams.get("since");
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    const job = this.store.job();
    server.send(JSON.stringify({ type: "snapshot", seq: this.events.lastSeq(), jobs: job ? [jobStatusView(jobRowOf(job), Date.now())] : [] }));
    if (since !== null) for (const e of this.events.since(Number(since))) server.send(JSON.stringify(e));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (message !== "ping") ws.send(JSON.stringify({ type: "error", message: "This feed only sends; use ping to keep it alive" }));
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    ws.close(code === 1005 ? 1000 : code, "closed");
  }

  /** Records an event, sends it to the pair's sockets and publishes it to the tenant's feed. */
  private emit(type: FeedEventType, data: Record<string, unknown> = {}): void {
    const job = this.store.job();
    if (!job) return;
    const event: FeedEvent = this.events.append((seq) => ({
      type,
      job_id: job.id,
      qid: job.init.qid,
      model: job.init.model,
      tenant: job.init.tenant_id,
      seq,
      at: new Date().toISOString(),
      data: { ...progressData(job), ...data },
    }));
    const body = JSON.stringify(event);
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(body);
      } catch {
        // closing
      }
    }
    const feed = this.env.TENANT_FEED.getByName(job.init.tenant_id);
    this.published = this.published.then(() => feed.publish(event)).catch((e) => console.error(`job ${job.id}: feed publish failed`, e));
  }

  /** Progress, coalesced: at once if the last was long enough ago, else on the next tick of the alarm. */
  private progress(): void {
    const now = Date.now();
    if (now - this.lastProgressAt >= PROGRESS_INTERVAL_MS) {
      this.lastProgressAt = now;
      this.progressPending = false;
      this.emit("job.progress");
    } else this.progressPending = true;
  }

  /** Starts a job unless one is queued or running for this pair (atomic: no await before the decision). */
  async start(init: JobInit): Promise<StartResult> {
    const current = this.store.job();
    if (current && (current.status === "queued" || current.status === "running")) {
      return { started: false, job_id: current.id, stream: current.init.stream };
    }
    this.store.newJob(init);
    this.live.clear();
    this.events.clear();
    this.emit("job.queued");
    try {
      await insertJobRow(this.env, init);
    } catch (e) {
      this.store.update({ status: "failed", error: "The job could not be recorded", ended_at: Date.now() });
      throw e;
    }
    this.store.markFlushed(1, Date.now());
    await this.sendPlan(init);
    await this.arm();
    return { started: true, job_id: init.job_id };
  }

  /** The job's parameters, for the consumer that lists its parts; null once it no longer waits for a plan. */
  async planInput(jobId: string): Promise<JobInit | null> {
    const job = this.store.job();
    return job && job.id === jobId && job.status === "queued" ? job.init : null;
  }

  /** The consumer listed the parts to tag (already without those diff-based tagging skips). */
  async planDone(jobId: string, parts: PartRef[]): Promise<void> {
    const job = this.store.job();
    if (!job || job.id !== jobId || job.status !== "queued") return; // duplicate or stopped meanwhile
    this.ctx.storage.transactionSync(() => {
      this.store.insertParts(parts);
      this.store.update({ status: "running", total: parts.length, started_at: Date.now() });
    });
    this.emit("job.running");
    if (parts.length === 0) return this.finish("succeeded");
    await this.fill();
    await this.flush(true);
    await this.arm();
  }

  /** Listing the content failed; answers whether the consumer should try again. */
  async planFailed(jobId: string, error: string, transient: boolean): Promise<"retry" | "failed" | "ignored"> {
    const job = this.store.job();
    if (!job || job.id !== jobId || job.status !== "queued") return "ignored";
    const attempts = job.plan_attempts + 1;
    if (transient && attempts <= job.init.params.max_fetch_retries) {
      this.store.update({ plan_attempts: attempts, last_warning: error });
      return "retry";
    }
    await this.finish("failed", error);
    return "failed";
  }

  /** The consumer asks before working on a part: stopped jobs and finished parts need no work. */
  async claim(jobId: string, partId: string): Promise<JobInit | null> {
    const job = this.store.job();
    if (!job || job.id !== jobId || job.status !== "running") return null;
    return this.store.part(partId)?.state === "inflight" ? job.init : null;
  }

  /** The part's media is in R2. */
  async partFetched(jobId: string, partId: string): Promise<void> {
    const job = this.store.job();
    if (!job || job.id !== jobId || job.status !== "running") return;
    const part = this.store.part(partId);
    if (!part || part.state !== "inflight" || part.downloaded) return;
    this.store.setPart(partId, { downloaded: 1 });
    this.store.update({ downloaded: job.downloaded + 1 });
    this.progress();
    await this.flush(false);
    if (this.progressPending) await this.arm();
  }

  /**
   * The provider accepted the part and will post its result to the part's callback URL: the
   * part now waits up to the provider's callback_timeout_s, then the watchdog sends it again.
   */
  async partAccepted(jobId: string, partId: string, attempt: number, waitMs: number): Promise<void> {
    const job = this.store.job();
    if (!job || job.id !== jobId || job.status !== "running") return;
    const part = this.store.part(partId);
    if (!part || part.state !== "inflight" || part.attempts !== attempt) return;
    this.store.setPart(partId, { deadline: Date.now() + waitMs });
    await this.arm();
  }

  /**
   * Every provider of the model was busy: the part goes back to the queue for later, as the same
   * attempt (waiting for a slot is not a failure).
   */
  async partDeferred(jobId: string, partId: string, attempt: number, delaySeconds: number): Promise<void> {
    const job = this.store.job();
    if (!job || job.id !== jobId || job.status !== "running") return;
    const part = this.store.part(partId);
    if (!part || part.state !== "inflight" || part.attempts !== attempt) return;
    this.store.setPart(partId, { deadline: Date.now() + delaySeconds * 1000 + this.partTimeoutMs(job) });
    await this.env.PARTS.send(this.message(job, part.ref, attempt), { delaySeconds });
    await this.arm();
  }

  /**
   * What a callback for (part, attempt) may complete: the job and the part, while the part still
   * waits for exactly that attempt's result. Null for a callback delivered twice, late (the part
   * was sent again), or after the job ended.
   */
  async callbackTarget(jobId: string, partId: string, attempt: number): Promise<{ init: JobInit; part: PartRef } | null> {
    const job = this.store.job();
    if (!job || job.id !== jobId || job.status !== "running") return null;
    const part = this.store.part(partId);
    if (!part || part.state !== "inflight" || part.attempts !== attempt) return null;
    return { init: job.init, part: part.ref };
  }

  /** The part's result. Recorded once: a repeated report changes nothing. */
  async partDone(jobId: string, partId: string, outcome: PartOutcome): Promise<void> {
    const job = this.store.job();
    if (!job || job.id !== jobId || job.status !== "running") return;
    const part = this.store.part(partId);
    if (!part || part.state !== "inflight") return;
    if (outcome.ok) {
      if (part.ref.live) this.noteLiveLag(part.ref);
      this.store.setPart(partId, { state: "done", downloaded: 1 });
      this.store.update({ tagged: job.tagged + 1, downloaded: job.downloaded + (part.downloaded ? 0 : 1), inflight: job.inflight - 1 });
      if (outcome.tags > 0) {
        const [start, end] = outcome.span ?? [part.ref.start_ms, part.ref.start_ms + part.ref.duration_ms];
        this.emit("job.tags", { track: job.init.tracks[0]!.name, count: outcome.tags, start_time: start, end_time: end, part: partId });
      }
    } else if (outcome.transient && part.attempts <= job.init.params.max_fetch_retries) {
      await this.redispatch(job, part, outcome.error);
      return;
    } else {
      // A live segment that is gone by the time it is fetched left the origin's window unseen.
      const warning =
        outcome.stage === "fetch"
          ? part.ref.live
            ? `Missed segment ${part.ref.live.msns[0]}`
            : `Failed to download part ${partId}`
          : `Failed to tag part ${partId}: ${outcome.error}`;
      this.store.setPart(partId, { state: "failed" });
      this.store.update({
        failed: job.failed + 1,
        inflight: job.inflight - 1,
        num_warnings: job.num_warnings + 1,
        last_warning: warning,
        ...(outcome.stage === "tag" ? { last_tag_error: outcome.error } : {}),
      });
    }
    if (this.store.job()!.status === "running") this.progress();
    await this.afterPart();
  }

  /** The live job's parameters for the consumer that reads its playlist; null once it no longer polls. */
  async pollInput(jobId: string): Promise<JobInit | null> {
    const job = this.store.job();
    if (!job || job.id !== jobId || (job.status !== "queued" && job.status !== "running") || job.init.params.scope.type !== "livestream") return null;
    return this.live.get()?.done ? null : job.init;
  }

  /**
   * What the live playlist holds now. New segments (by discontinuity and media sequence number)
   * are kept until they fill a part of `segment_length`; parts are dispatched as they form.
   * Repeated or stale reports change nothing. The first report starts the job at the live edge.
   */
  async liveSegments(jobId: string, segments: LiveSegmentInput[], targetMs: number, ended: boolean): Promise<void> {
    const job = this.store.job();
    if (!job || job.id !== jobId || (job.status !== "queued" && job.status !== "running")) return;
    const scope = job.init.params.scope;
    if (scope.type !== "livestream") return;
    const now = Date.now();
    let live = this.live.get();
    if (!live) {
      this.live.reset(scope.segment_length * 1000, scope.max_duration === null ? null : scope.max_duration * 1000, targetMs);
      live = this.live.get()!;
    }
    if (live.done) return;
    if (job.status === "queued") {
      this.store.update({ status: "running", started_at: now });
      this.emit("job.running");
    }

    // Which segments are new: after the last one seen, in a later discontinuity, or a restarted sequence.
    const newest = segments.at(-1);
    const restarted = newest !== undefined && live.last_msn !== null && newest.discontinuity === live.last_disc && newest.msn < live.last_msn;
    let lastMsn = restarted ? null : live.last_msn;
    let lastDisc = live.last_disc;
    let wallEnd = live.last_wall_end;
    let missed = 0;
    let firstMissed: number | null = null;
    // A job starts at the live edge: the newest part's worth of segments.
    let edge = 0;
    if (lastMsn === null) {
      let sum = 0;
      edge = segments.length;
      while (edge > 0 && sum < live.segment_length_ms) sum += segments[--edge]!.duration_ms;
    }
    const after = (i: number) => segments.slice(i + 1).reduce((t, s) => t + s.duration_ms, 0);
    segments.forEach((seg, i) => {
      const seen = lastMsn !== null && (seg.discontinuity < (lastDisc ?? 0) || (seg.discontinuity === lastDisc && seg.msn <= lastMsn));
      if (seen || i < edge) return;
      if (lastMsn !== null && seg.discontinuity === lastDisc && seg.msn > lastMsn + 1) {
        missed += seg.msn - lastMsn - 1;
        firstMissed ??= lastMsn + 1;
      }
      const contiguous = wallEnd !== null && lastMsn !== null && seg.discontinuity === lastDisc && seg.msn === lastMsn + 1;
      const wall = seg.program_date_ms ?? (contiguous ? wallEnd! : now - after(i) - seg.duration_ms);
      this.live.addPending({ ...seg, wall_ms: wall, seen_at: now });
      lastMsn = seg.msn;
      lastDisc = seg.discontinuity;
      wallEnd = wall + seg.duration_ms;
    });
    if (missed > 0) {
      this.store.update({ num_warnings: job.num_warnings + missed, last_warning: `Missed segment ${firstMissed! + missed - 1}` });
      console.warn(`job ${job.id}: missed ${missed} live segment(s) from ${firstMissed}`);
    }

    // Whole parts from what is pending, up to max_duration.
    const groups = groupSegments(this.live.pending(), live.segment_length_ms, ended);
    let covered = live.covered_ms;
    let created = live.parts_created;
    const parts: PartRef[] = [];
    const used: PendingSegment[] = [];
    for (const g of groups) {
      if (live.max_duration_ms !== null && covered >= live.max_duration_ms) break;
      used.push(...g);
      const duration = g.reduce((t, s) => t + s.duration_ms, 0);
      covered += duration;
      const first = g[0]!;
      parts.push({
        id: `${job.init.stream}/live/${first.wall_ms}`,
        idx: created++,
        start_ms: first.wall_ms,
        duration_ms: duration,
        kind: "segment",
        source: first.source,
        ...(first.byterange ? { byterange: first.byterange } : {}),
        ...(g.length > 1 ? { concat: g.map((s) => ({ source: s.source, ...(s.byterange ? { byterange: s.byterange } : {}) })) } : {}),
        ...(first.init ? { init: first.init } : {}),
        content_type: first.init ? "video/mp4" : "video/mp2t",
        live: { msns: g.map((s) => s.msn), seen_at: Math.max(...g.map((s) => s.seen_at)) },
      });
    }
    this.live.dropPending(used);
    const done = ended || (live.max_duration_ms !== null && covered >= live.max_duration_ms);
    this.live.update({
      covered_ms: covered,
      parts_created: created,
      poll_failures: 0,
      target_ms: targetMs,
      last_msn: lastMsn,
      last_disc: lastDisc,
      last_wall_end: wallEnd,
      done: done ? 1 : 0,
      next_poll_at: now + targetMs,
    });
    if (done) this.live.dropPending(this.live.pending());

    // Diff-based tagging: intervals an earlier run already tagged are not tagged again.
    let fresh = parts;
    if (parts.length > 0 && !job.init.params.replace) {
      const tagged = await reportedParts(this.env, job.init.target_qid, job.init.tracks[0]!.name, parts.map((p) => p.id));
      fresh = parts.filter((p) => !tagged.has(p.id));
    }
    if (fresh.length > 0) await createBatches(this.env, job.init, fresh);
    // Other events ran while D1 answered: a job stopped meanwhile takes no new parts.
    const current = this.store.job();
    if (!current || current.id !== jobId || current.status !== "running") return;
    if (fresh.length > 0) {
      this.store.insertParts(fresh);
      this.store.update({ total: this.store.job()!.total + fresh.length });
    }
    if (fresh.length > 0 || missed > 0) this.progress();
    await this.afterPart();
    await this.flush(job.status === "queued");
    await this.arm();
  }

  /** The playlist could not be read: try again later, or fail after max_fetch_retries in a row. */
  async livePollFailed(jobId: string, error: string): Promise<void> {
    const job = this.store.job();
    if (!job || job.id !== jobId || (job.status !== "queued" && job.status !== "running")) return;
    const live = this.live.get();
    const failures = (live?.poll_failures ?? 0) + 1;
    if (failures > job.init.params.max_fetch_retries) {
      this.store.cancelOpenParts();
      await this.finish("failed", `Failed to fetch the live playlist ${failures} times in a row: ${error}`);
      return;
    }
    const wait = Math.min(MAX_POLL_BACKOFF_MS, (live?.target_ms ?? 2000) * failures);
    if (!live) {
      const scope = job.init.params.scope;
      if (scope.type !== "livestream") return;
      this.live.reset(scope.segment_length * 1000, scope.max_duration === null ? null : scope.max_duration * 1000, 2000);
    }
    this.live.update({ poll_failures: failures, next_poll_at: Date.now() + wait });
    this.store.update({ last_warning: error });
    await this.flush(false);
    await this.arm();
  }

  /**
   * The cron's check on a live job: answers what it found, and re-arms an alarm that is missing
   * or late (the runner's only clock).
   */
  async reviveLive(jobId: string): Promise<"ok" | "rearmed" | "not-live"> {
    const job = this.store.job();
    if (!job || job.id !== jobId || (job.status !== "queued" && job.status !== "running") || job.init.params.scope.type !== "livestream") return "not-live";
    const alarm = await this.ctx.storage.getAlarm();
    const live = this.live.get();
    const due = live && !live.done ? live.next_poll_at : null;
    // Late: a whole poll interval past its time (the alarm did not fire, or was lost).
    if (alarm === null || (due !== null && Date.now() - due > Math.max(live!.target_ms, 1000))) {
      if (live && !live.done) this.live.update({ next_poll_at: Date.now() });
      await this.ctx.storage.setAlarm(Date.now());
      return "rearmed";
    }
    return "ok";
  }

  /** Stops the pair's active job, if any; answers its id. */
  async stop(): Promise<string | null> {
    const job = this.store.job();
    if (!job || (job.status !== "queued" && job.status !== "running")) return null;
    this.store.cancelOpenParts();
    await this.finish("cancelled");
    return job.id;
  }

  /** The runner's view of its job (tests and diagnostics). */
  async state(): Promise<Omit<JobState, "init"> | null> {
    const job = this.store.job();
    if (!job) return null;
    const { init: _init, ...rest } = job;
    return rest;
  }

  /** Watchdog and throttle: re-dispatches overdue parts, re-sends a lost plan, writes the pending snapshot. */
  override async alarm(): Promise<void> {
    const job = this.store.job();
    if (!job) return;
    const now = Date.now();
    if (this.progressPending && (job.status === "queued" || job.status === "running")) this.progress();
    if (job.status === "queued" && now - job.init.created_at >= PLAN_WATCHDOG_MS) {
      const attempts = job.plan_attempts + 1;
      if (attempts > job.init.params.max_fetch_retries + 1) {
        await this.finish("failed", "Listing the content's parts did not complete");
        return;
      }
      this.store.update({ plan_attempts: attempts });
      await this.sendPlan(job.init);
    }
    const live = this.live.get();
    if ((job.status === "queued" || job.status === "running") && live && !live.done && now >= live.next_poll_at) {
      // The next look is due; if its answer is lost the same time comes round again.
      this.live.update({ next_poll_at: now + Math.max(live.target_ms, 1000) });
      await this.sendPoll(job.init);
    }
    if (job.status === "running") {
      for (const part of this.store.overdue(now, 100)) {
        const fresh = this.store.job()!;
        if (part.attempts <= fresh.init.params.max_fetch_retries) {
          await this.redispatch(fresh, part, "result overdue");
        } else {
          await this.partDone(job.id, part.id, { ok: false, stage: "tag", transient: false, error: "no result before the deadline" });
        }
      }
    }
    await this.flush(true);
    await this.arm();
  }

  private partTimeoutMs(job: JobState): number {
    // A part may wait for a slot, then try each provider in turn before it reports.
    const calls = job.init.providers.reduce((sum, p) => sum + (p.timeout_s ?? DEFAULT_TIMEOUT_S) * 1000, 0);
    return SLOT_WAIT_MS + calls + PART_SLACK_MS;
  }

  private message(job: JobState, part: PartRef, attempt: number): QueueMessage {
    return { type: "part", job_id: job.id, runner: runnerName(job.init.qid, job.init.model), part, attempt };
  }

  private async sendPoll(init: JobInit): Promise<void> {
    await this.env.PARTS.send({ type: "poll", job_id: init.job_id, runner: runnerName(init.qid, init.model) } satisfies QueueMessage);
  }

  private async sendPlan(init: JobInit): Promise<void> {
    await this.env.PARTS.send({ type: "plan", job_id: init.job_id, runner: runnerName(init.qid, init.model) } satisfies QueueMessage);
  }

  /** Sends pending parts until the job has `concurrency` parts in flight. */
  private async fill(): Promise<void> {
    const job = this.store.job()!;
    if (job.status !== "running") return;
    const next = this.store.nextPending(job.init.concurrency - job.inflight);
    if (next.length === 0) return;
    const deadline = Date.now() + this.partTimeoutMs(job);
    for (const p of next) this.store.setPart(p.id, { state: "inflight", deadline, attempts: p.attempts + 1 });
    this.store.update({ inflight: job.inflight + next.length });
    await this.env.PARTS.sendBatch(next.map((p) => ({ body: this.message(job, p.ref, p.attempts + 1) })));
  }

  /** Tries a part again after a transient failure, backing off. */
  private async redispatch(job: JobState, part: PartRow, reason: string): Promise<void> {
    const attempt = part.attempts + 1;
    const delaySeconds = Math.min(30, 2 ** (attempt - 2));
    this.store.setPart(part.id, { attempts: attempt, deadline: Date.now() + delaySeconds * 1000 + this.partTimeoutMs(job) });
    console.warn(`job ${job.id}: retrying part ${part.id} (attempt ${attempt}): ${reason}`);
    await this.env.PARTS.send(this.message(job, part.ref, attempt), { delaySeconds });
    await this.arm();
  }

  /** Lag: from the part's newest segment showing in the playlist to its tags being stored. */
  private noteLiveLag(ref: PartRef): void {
    const live = this.live.get();
    if (!live) return;
    const end = ref.start_ms + ref.duration_ms;
    this.live.update({ live_lag_ms: Date.now() - (ref.live?.seen_at ?? Date.now()), last_wall_ms: Math.max(live.last_wall_ms ?? 0, end) });
    this.store.update({}); // marks the job dirty so the next snapshot carries the lag
  }

  private async afterPart(): Promise<void> {
    const job = this.store.job()!;
    const live = this.live.get();
    const liveGoesOn = job.init.params.scope.type === "livestream" && (!live || !live.done);
    if (!liveGoesOn && job.inflight === 0 && this.store.nextPending(1).length === 0) {
      // Every part ended: the job fails only if the model failed on every part it was given.
      const modelFailedAll = job.tagged === 0 && job.failed > 0 && job.last_tag_error !== null;
      return modelFailedAll ? this.finish("failed", job.last_tag_error) : this.finish("succeeded");
    }
    await this.fill();
    await this.flush(false);
  }

  private async finish(status: "succeeded" | "failed" | "cancelled", error: string | null = null): Promise<void> {
    this.store.update({ status, error, ended_at: Date.now(), inflight: 0 });
    if (this.live.get()) this.live.update({ done: 1 });
    this.progressPending = false;
    this.emit(`job.${status}`, { error });
    await this.flush(true);
    await this.arm();
  }

  /** Writes the D1 snapshot: at once on transitions, at most about once a second for progress. */
  private async flush(force: boolean): Promise<void> {
    const job = this.store.job();
    if (!job || !job.dirty) return;
    const now = Date.now();
    if (!force && now - job.last_flush < SNAPSHOT_INTERVAL_MS) {
      await this.arm();
      return;
    }
    this.store.markFlushed(-1, now); // claims the slot so interleaved calls do not all write
    try {
      await writeSnapshot(this.env, job, now, this.live.get());
      this.store.markFlushed(job.seq, now);
    } catch (e) {
      console.error(`job ${job.id}: snapshot failed, the alarm will retry`, e);
    }
  }

  /** One alarm serves every timer: the plan watchdog, part deadlines and the snapshot throttle. */
  private async arm(): Promise<void> {
    const job = this.store.job();
    if (!job) return;
    const times: number[] = [];
    if (job.status === "queued") times.push(job.init.created_at + PLAN_WATCHDOG_MS * (job.plan_attempts + 1));
    if (job.status === "running") {
      const d = this.store.earliestDeadline();
      if (d !== null) times.push(d);
    }
    const live = this.live.get();
    if ((job.status === "queued" || job.status === "running") && live && !live.done) times.push(live.next_poll_at);
    if (job.dirty) times.push(job.last_flush + SNAPSHOT_INTERVAL_MS);
    if (this.progressPending) times.push(this.lastProgressAt + PROGRESS_INTERVAL_MS);
    if (times.length === 0) return;
    const at = Math.max(Date.now(), Math.min(...times));
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at || current < Date.now()) await this.ctx.storage.setAlarm(at);
  }
}
