import type { JobLogEvent, LogLevel } from "../contract/job-events";
import type { JobInit, PartOutcome, PartReport, StartResult } from "../contract/job";
import type { PartRef } from "../contract/part";
import { controlMessage, type PartMessage, partMessage } from "../contract/queue";
import { liveLagUpdate } from "./live-plan";
import { partTimeoutMs } from "./part-deadline";
import { LiveRunner } from "./runner-live";
import type { JobState, PartRow } from "./runner-store";
import { PLAN_WATCHDOG_MS, planPartResult } from "./runner-timers";
import { insertJobRow } from "./snapshot";

/**
 * One per (content, model). Owns the pair's active job: decides whether a start may start,
 * keeps the state of every part in its SQLite storage, keeps a bounded number of parts in
 * flight, re-dispatches overdue parts, follows live playlists, and snapshots progress to D1. It
 * never fetches media or calls providers: while it awaits I/O other events interleave, so every
 * decision is made in synchronous storage calls before the first await, and checked again after.
 */
export class TagRunner extends LiveRunner {
  async start(init: JobInit): Promise<StartResult> {
    const current = this.store.activeJob();
    if (current) return { started: false, job_id: current.id, stream: current.init.stream };
    this.store.newJob(init);
    this.live.clear();
    this.feed.log.clear();
    this.journal.clear();
    this.note("info", `Queued: ${init.model} on ${init.qid} (${init.params.scope.type} scope, replace ${init.params.replace})`);
    this.emit("job.queued");
    try {
      await insertJobRow(this.env, init);
    } catch (e) {
      this.store.update({ status: "failed", error: "The job could not be recorded", ended_at: this.clock.now() });
      throw e;
    }
    this.store.markFlushed(1, this.clock.now());
    await this.send(controlMessage("plan", init));
    await this.arm();
    return { started: true, job_id: init.job_id };
  }

  /** The job's parameters, for the consumer that lists its parts; null once it no longer waits for a plan. */
  async planInput(jobId: string): Promise<JobInit | null> {
    return this.store.jobIn(jobId, ["queued"])?.init ?? null;
  }

  /** The consumer listed the parts to tag (already without those diff-based tagging skips). */
  async planDone(jobId: string, parts: PartRef[]): Promise<void> {
    if (!this.store.jobIn(jobId, ["queued"])) return; // duplicate or stopped meanwhile
    this.ctx.storage.transactionSync(() => {
      this.store.insertParts(parts);
      this.store.update({ status: "running", total: parts.length, started_at: this.clock.now() });
    });
    this.note("info", parts.length === 0 ? "Planned 0 parts: every part in scope was tagged before (replace: false)" : `Planned ${parts.length} part(s)`);
    this.emit("job.running");
    if (parts.length === 0) return this.finish("succeeded", null, "nothing_to_tag");
    await this.fill();
    await this.flush(true);
    await this.arm();
  }

  /** Listing the content failed; answers whether the consumer should try again. */
  async planFailed(jobId: string, error: string, transient: boolean): Promise<"retry" | "failed" | "ignored"> {
    const job = this.store.jobIn(jobId, ["queued"]);
    if (!job) return "ignored";
    const attempts = job.plan_attempts + 1;
    if (transient && attempts <= job.init.params.max_fetch_retries) {
      this.store.update({ plan_attempts: attempts, last_warning: error });
      this.note("warning", `Listing the parts failed, trying again (attempt ${attempts}): ${error}`);
      return "retry";
    }
    this.note("error", error);
    await this.finish("failed", error, "source_unreachable");
    return "failed";
  }

  /** The consumer asks before working on a part: stopped jobs and finished parts need no work. */
  async claim(jobId: string, partId: string): Promise<JobInit | null> {
    const job = this.store.jobIn(jobId, ["running"]);
    return job && this.store.part(partId)?.state === "inflight" ? job.init : null;
  }

  /** The part's media is in R2. */
  async partFetched(jobId: string, partId: string): Promise<void> {
    const job = this.store.jobIn(jobId, ["running"]);
    const part = job && this.store.part(partId);
    if (!job || !part || part.state !== "inflight" || part.downloaded) return;
    this.store.setPart(partId, { downloaded: 1 });
    this.store.update({ downloaded: job.downloaded + 1 });
    this.progress();
    await this.flush(false);
    if (this.feed.nextProgressAt() !== null) await this.arm();
  }

  /**
   * The provider accepted the part and will post its result to the part's callback URL: the
   * part now waits up to the provider's callback_timeout_s, then the watchdog sends it again.
   */
  async partAccepted(jobId: string, partId: string, attempt: number, waitMs: number): Promise<void> {
    if (!this.store.waitingPart(jobId, partId, attempt)) return;
    this.store.setPart(partId, { deadline: this.clock.now() + waitMs });
    await this.arm();
  }

  /**
   * Every provider of the model was busy: the part goes back to the queue for later, as the same
   * attempt (waiting for a slot is not a failure).
   */
  async partDeferred(jobId: string, partId: string, attempt: number, delaySeconds: number, queuedAt?: number): Promise<void> {
    const waiting = this.store.waitingPart(jobId, partId, attempt);
    if (!waiting) return;
    this.store.setPart(partId, { deadline: this.clock.now() + delaySeconds * 1000 + partTimeoutMs(waiting.job.init) });
    this.note("debug", `Every provider is busy: waiting ${delaySeconds} s for a slot`, { part: partId, attempt });
    // Still waiting for the same slot: its wait runs on from when it was first sent.
    await this.send(partMessage(waiting.job.init, waiting.part.ref, attempt, queuedAt ?? this.clock.now()), delaySeconds);
    await this.arm();
  }

  /**
   * What a callback for (part, attempt) may complete: the job and the part, while the part still
   * waits for exactly that attempt's result. Null for a callback delivered twice, late (the part
   * was sent again), or after the job ended.
   */
  async callbackTarget(jobId: string, partId: string, attempt: number): Promise<{ init: JobInit; part: PartRef } | null> {
    const waiting = this.store.waitingPart(jobId, partId, attempt);
    return waiting ? { init: waiting.job.init, part: waiting.part.ref } : null;
  }

  /** One part's result (see partsDone); answers the part handed to the caller, or null. */
  async partDone(jobId: string, partId: string, outcome: PartOutcome, takeNext = false): Promise<PartMessage | null> {
    return (await this.partsDone(jobId, [{ part: partId, outcome, take_next: takeNext }]))[0] ?? null;
  }

  /**
   * Parts' results: those of a consumer's parts that ended together come in one call. Each is
   * recorded once: a repeated report changes nothing. A part that was in flight when its job was
   * stopped is still counted when it lands (status equals stored truth). Answers, report by
   * report, the job's next part handed to that report's consumer to run itself (`take_next`: a
   * pull loop per slot instead of a queue round trip per part; see fill()), or null.
   */
  async partsDone(jobId: string, reports: PartReport[]): Promise<Array<PartMessage | null>> {
    const answers: Array<PartMessage | null> = reports.map(() => null);
    const takers: number[] = [];
    // The reports' job.tags events and the progress after them reach the feeds in one call.
    const { recorded, stopped } = await this.feed.together(async () => {
      let recorded = false;
      let stopped = false;
      for (const [i, r] of reports.entries()) {
        const result = await this.recordPart(jobId, r.part, r.outcome);
        if (result === "ignored" || result === "retried") continue;
        recorded = true;
        if (result === "stopped") stopped = true;
        // Not for live jobs: their parts come one segment at a time, and a consumer kept busy by
        // one channel holds the queue's batch (locally one batch per queue at a time) that other
        // channels' playlist polls wait behind.
        else if (r.take_next && result === "recorded") takers.push(i);
      }
      if (recorded && (stopped || this.store.job()!.status === "running")) this.progress();
      return { recorded, stopped };
    });
    if (!recorded) return answers;
    if (stopped) {
      await this.flush(true);
      return answers;
    }
    const handed = await this.afterPart(takers.length);
    handed.forEach((m, k) => (answers[takers[k]!] = m));
    return answers;
  }

  /** Records one part's result; "retried" and "ignored" leave the job's progress as it was. */
  private async recordPart(jobId: string, partId: string, outcome: PartOutcome): Promise<"recorded" | "recorded-live" | "stopped" | "retried" | "ignored"> {
    const job = this.store.jobIn(jobId, ["running", "cancelled"]);
    const part = job && this.store.part(partId);
    const stopped = job?.status === "cancelled";
    if (!job || !part || part.state !== (stopped ? "stopping" : "inflight")) return "ignored";
    if (!outcome.ok && !stopped && outcome.transient && part.attempts <= job.init.params.max_fetch_retries) {
      await this.redispatch(job, part, outcome.error);
      return "retried";
    }
    const plan = planPartResult(job, part, outcome, stopped);
    const timing = [outcome.fetch_ms !== undefined ? `fetched in ${outcome.fetch_ms} ms` : null, outcome.tag_ms !== undefined ? `tagged in ${outcome.tag_ms} ms` : null].filter(Boolean).join(", ");
    const about = { part: partId, attempt: part.attempts, ...(outcome.provider ? { provider: outcome.provider } : {}) };
    if (outcome.ok) this.note("info", `${outcome.tags} tag(s)${timing ? ` (${timing})` : ""}${stopped ? ", after the stop" : ""}`, about);
    else this.note(outcome.stage === "tag" ? "error" : "warning", `${plan.job.last_warning ?? outcome.error}${timing ? ` (${timing})` : ""}`, about);
    const live = outcome.ok && part.ref.live ? this.live.get() : null;
    if (live) this.live.update(liveLagUpdate(live, part.ref, this.clock.now()));
    this.store.setPart(partId, plan.part);
    this.store.update(plan.job);
    if (plan.tags) {
      this.emit("job.tags", { track: job.init.tracks[0]!.name, count: plan.tags.count, start_time: plan.tags.start_time, end_time: plan.tags.end_time, part: partId });
      // A stopped job joins again with its late piece; a live one as each interval closes, around this part.
      if (stopped) await this.joinTags(job);
      else if (part.ref.live) await this.joinTags(job, [part.ref.start_ms - part.ref.duration_ms, part.ref.start_ms + 2 * part.ref.duration_ms]);
    }
    return stopped ? "stopped" : part.ref.live ? "recorded-live" : "recorded";
  }

  /** Stops the pair's active job, if any; answers its id. */
  async stop(): Promise<string | null> {
    const job = this.store.activeJob();
    if (!job) return null;
    this.store.cancelOpenParts();
    this.note("info", "Stopped by request");
    await this.finish("cancelled", null, "stopped_by_user");
    await this.joinTags(job);
    return job.id;
  }

  /**
   * Forgets the pair's last job, its parts, live state and events, and closes its feed sockets:
   * the content was deleted, and its id may be registered again by someone else. Refused (false)
   * while a job is active.
   */
  async forget(): Promise<boolean> {
    if (this.store.activeJob()) return false;
    this.store.clear();
    this.live.clear();
    this.feed.log.clear();
    this.journal.clear();
    for (const ws of this.ctx.getWebSockets()) ws.close(1000, "content deleted");
    await this.ctx.storage.deleteAlarm();
    return true;
  }

  /** The runner's view of its job (tests and diagnostics). */
  async state(): Promise<Omit<JobState, "init"> | null> {
    const job = this.store.job();
    if (!job) return null;
    const { init: _init, ...rest } = job;
    return rest;
  }

  /** A page of the job's event log at `minLevel` or above; null when this runner no longer has the job (D1 has its copy). */
  async events(jobId: string, minLevel: LogLevel, start: number, limit: number): Promise<{ events: JobLogEvent[]; total: number } | null> {
    if (this.store.job()?.id !== jobId) return null;
    return this.journal.page(minLevel, start, limit);
  }

  /** The job's parts by state, and each part's dispatch attempts (tests and diagnostics). */
  async parts(): Promise<Array<Pick<PartRow, "id" | "state" | "attempts">>> {
    return this.store.allParts().map(({ id, state, attempts }) => ({ id, state, attempts }));
  }

  /** Watchdog and throttle: re-dispatches overdue parts, re-sends a lost plan, polls live playlists, writes the pending snapshot. */
  override async alarm(): Promise<void> {
    const job = this.store.activeJob();
    if (!job) {
      // An ended job may still owe D1 its last snapshot.
      await this.flush(true);
      return this.arm();
    }
    const now = this.clock.now();
    const due = this.feed.nextProgressAt();
    if (due !== null && due <= now) this.progress();
    if (job.status === "queued" && now - job.init.created_at >= PLAN_WATCHDOG_MS) {
      const attempts = job.plan_attempts + 1;
      if (attempts > job.init.params.max_fetch_retries + 1) return this.finish("failed", "Listing the content's parts did not complete", "plan_timed_out");
      this.store.update({ plan_attempts: attempts });
      await this.send(controlMessage("plan", job.init));
    }
    const live = this.live.get();
    if (live && !live.done && now >= live.next_poll_at) {
      // The next look is due; if its answer is lost the same time comes round again.
      this.live.update({ next_poll_at: now + Math.max(live.target_ms, 1000) });
      await this.send(controlMessage("poll", job.init));
    }
    if (job.status === "running") {
      for (const part of this.store.overdue(now, 100)) {
        const fresh = this.store.jobIn(job.id, ["running"]);
        if (!fresh) break;
        if (part.attempts <= fresh.init.params.max_fetch_retries) await this.redispatch(fresh, part, "result overdue");
        else await this.partDone(job.id, part.id, { ok: false, stage: "tag", transient: false, error: "no result before the deadline" });
      }
    }
    await this.flush(true);
    await this.arm();
  }
}
