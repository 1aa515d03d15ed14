import { DurableObject } from "cloudflare:workers";
import type { LogLevel } from "../contract/job-events";
import { targetTenantOf } from "../contract/job";
import { controlMessage, type PartMessage, partMessage } from "../contract/queue";
import { isTerminal, type StatusReason } from "../jobs/status";
import { joinJobTags } from "../tagstore/finalize";
import { Clock } from "./clock";
import { type FeedEventType, replyCloseCode } from "./feed-events";
import { JobLog } from "./job-log";
import { LiveStore } from "./live-store";
import { partTimeoutMs } from "./part-deadline";
import { RunnerFeed } from "./runner-feed";
import { type JobState, type PartRow, RunnerStore } from "./runner-store";
import { endOfParts, nextAlarmAt, partsInFlight, SNAPSHOT_INTERVAL_MS, successReason } from "./runner-timers";
import { writeSnapshot } from "./snapshot";
import { queueFor } from "../pipeline/parts-queue";
import { evaluateMessage } from "../gateway/webhooks/messages";

/**
 * The TagRunner's machinery, beneath its RPC surface (tag-runner.ts): its stores, its feed and
 * event log, and what every call ends with — sending parts, retrying, ending the job, joining
 * its tags, writing the D1 snapshot and arming the one alarm. Nothing here is callable from
 * outside the object but the feed's socket handlers.
 */
export abstract class RunnerCore extends DurableObject<Env> {
  /** Its time; tests move it forward to let deadlines pass (clock.ts). */
  readonly clock = new Clock();
  protected readonly store: RunnerStore;
  protected readonly live: LiveStore;
  protected readonly feed: RunnerFeed;
  /** The job's event log for operators (levels, parts, attempts, providers, timings). */
  protected readonly journal: JobLog;
  /** How far the ended job's events are in D1 (in memory: after an eviction they are copied again, which is harmless). */
  private eventsCopied = { job: "", seq: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new RunnerStore(ctx.storage);
    this.live = new LiveStore(ctx.storage);
    this.feed = new RunnerFeed(ctx, env);
    this.journal = new JobLog(ctx.storage);
  }

  protected note(level: LogLevel, message: string, about: { part?: string; attempt?: number; provider?: string } = {}): void {
    this.journal.add(this.clock.now(), level, message, about);
  }

  /** The pair's feed (`GET /{qid}/feed/{model}`; the Worker checked the caller). Hibernatable sockets. */
  override async fetch(request: Request): Promise<Response> {
    // The Worker names the tenant the caller reads as; a job of any other tenant is not theirs.
    const tenant = new URL(request.url).searchParams.get("tenant");
    const job = this.store.job();
    return this.feed.accept(request, job && job.init.tenant_id === tenant ? job : null, tenant ?? "");
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (message !== "ping") ws.send(JSON.stringify({ type: "error", message: "This feed only sends; use ping to keep it alive" }));
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    ws.close(replyCloseCode(code), "closed");
  }

  protected emit(type: FeedEventType, data: Record<string, unknown> = {}): void {
    this.feed.emit(this.store.job(), type, data);
  }

  protected progress(): void {
    this.feed.progress(this.store.job());
  }

  protected async send(message: ReturnType<typeof controlMessage> | ReturnType<typeof partMessage>, delaySeconds?: number): Promise<void> {
    await queueFor(this.env, this.store.job()?.init, message.type).send(message, delaySeconds === undefined ? undefined : { delaySeconds });
  }

  /**
   * Sends pending parts until the job has partsInFlight(concurrency) parts in flight. `handOffs`:
   * how many of them the caller runs itself (consumers that just finished parts of this job), so
   * those are returned instead of queued; they are in flight like the others, and their deadline
   * brings them back if a consumer is lost.
   */
  protected async fill(handOffs = 0): Promise<PartMessage[]> {
    const job = this.store.job()!;
    if (job.status !== "running") return [];
    const next = this.store.nextPending(partsInFlight(job.init.concurrency) - job.inflight);
    if (next.length === 0) return [];
    const now = this.clock.now();
    const deadline = now + partTimeoutMs(job.init);
    for (const p of next) this.store.setPart(p.id, { state: "inflight", deadline, attempts: p.attempts + 1 });
    this.store.update({ inflight: job.inflight + next.length });
    const messages = next.map((p) => partMessage(job.init, p.ref, p.attempts + 1, now));
    const handed = messages.splice(0, handOffs);
    if (messages.length > 0) await queueFor(this.env, job.init, "part").sendBatch(messages.map((body) => ({ body })));
    return handed;
  }

  /** Tries a part again after a transient failure, backing off. */
  protected async redispatch(job: JobState, part: PartRow, reason: string): Promise<void> {
    const attempt = part.attempts + 1;
    const delaySeconds = Math.min(30, 2 ** (attempt - 2));
    this.store.setPart(part.id, { attempts: attempt, deadline: this.clock.now() + delaySeconds * 1000 + partTimeoutMs(job.init) });
    console.warn(`job ${job.id}: retrying part ${part.id} (attempt ${attempt}): ${reason}`);
    this.note("warning", `Trying again in ${delaySeconds} s: ${reason}`, { part: part.id, attempt });
    // The back-off is no wait for a provider: the part queues from when it is due again.
    await this.send(partMessage(job.init, part.ref, attempt, this.clock.now() + delaySeconds * 1000), delaySeconds);
    await this.arm();
  }

  /** After parts' results: the end of the job, or its next parts (`handOffs`: see fill()). */
  protected async afterPart(handOffs = 0): Promise<PartMessage[]> {
    const job = this.store.job()!;
    const end = endOfParts(job, this.live.get(), this.store.nextPending(1).length > 0);
    if (end) {
      // The tags are joined across parts before the job says it is done.
      await this.joinTags(job);
      if (!this.store.jobIn(job.id, ["running"])) return []; // stopped (or ended) meanwhile
      await (end.status === "failed" ? this.finish("failed", end.error, "model_failed") : this.finish("succeeded", null, successReason(job, this.live.get())));
      return [];
    }
    const handed = await this.fill(handOffs);
    await this.flush(false);
    return handed;
  }

  /** Joins what part boundaries cut in the job's tags (tagstore/finalize.ts); a failure leaves them unjoined, with a warning. */
  protected async joinTags(job: JobState, window?: [number, number]): Promise<void> {
    const content = { tenant: targetTenantOf(job.init), qid: job.init.target_qid };
    try {
      await joinJobTags(this.env, content, job.id, job.init.boundary ?? "none", window);
    } catch (e) {
      console.error(`job ${job.id}: joining tags across parts failed`, e);
      const current = this.store.job();
      if (current?.id === job.id) this.store.update({ num_warnings: current.num_warnings + 1, last_warning: "Tags could not be joined across parts; they are stored as each part gave them" });
    }
  }

  protected async finish(status: "succeeded" | "failed" | "cancelled", error: string | null, reason: StatusReason): Promise<void> {
    // Two paths can reach the end of a job while one awaits I/O: the first one ends it.
    if (!this.store.activeJob()) return;
    this.store.update({ status, error, reason, ended_at: this.clock.now(), inflight: 0 });
    this.note(status === "failed" ? "error" : "info", `Ended ${status}${error ? `: ${error}` : ""}`);
    if (this.live.get()) this.live.update({ done: 1 });
    this.emit(`job.${status}`, { error });
    await this.flush(true);
    await this.arm();
  }

  /** Writes the D1 snapshot: at once on transitions, at most about once a second for progress. */
  protected async flush(force: boolean): Promise<void> {
    const job = this.store.job();
    if (!job || !job.dirty) return;
    const now = this.clock.now();
    if (!force && now - job.last_flush < SNAPSHOT_INTERVAL_MS) {
      await this.arm();
      return;
    }
    this.store.markFlushed(-1, now); // claims the slot so interleaved calls do not all write
    try {
      // An ended job's events go to D1 once each: later flushes (a stopped job's late parts) send only the new ones.
      const events = isTerminal(job.status) ? this.journal.after(this.eventsCopied.job === job.id ? this.eventsCopied.seq : 0) : [];
      await writeSnapshot(this.env, job, now, this.live.get(), events);
      if (events.length > 0) this.eventsCopied = { job: job.id, seq: events.at(-1)!.seq };
      // After the snapshot, so the gateway's events say what a GET of the job says; before the
      // flush counts as done, so a failed send is retried with it (evaluating twice is harmless).
      if (job.init.gateway_webhook_job) await this.env.WEBHOOKS.send(evaluateMessage(job.init.gateway_webhook_job));
      this.store.markFlushed(job.seq, now);
    } catch (e) {
      console.error(`job ${job.id}: snapshot failed, the alarm will retry`, e);
    }
  }

  /** One alarm serves every timer: the plan watchdog, part deadlines, live polls and the snapshot throttle. */
  protected async arm(): Promise<void> {
    const job = this.store.job();
    if (!job) return;
    const due = nextAlarmAt(job, this.live.get(), this.store.earliestDeadline(), this.feed.nextProgressAt());
    if (due === null) return;
    const now = this.clock.now();
    const at = Math.max(now, due);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at || current < now) await this.ctx.storage.setAlarm(at);
  }
}
