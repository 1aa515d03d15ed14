import { targetTenantOf } from "../contract/job";
import type { JobInit } from "../contract/job";
import type { LiveSegmentInput } from "../contract/live";
import { ACTIVE_STATUSES } from "../jobs/status";
import { uploadedPartsAmong } from "../tagstore/reports";
import { createBatches } from "../tagstore/write";
import { planLiveAnswer, planPollFailure, reviveVerdict } from "./live-plan";
import { RunnerCore } from "./runner-core";

/**
 * The TagRunner's RPCs for following a live stream: what the consumer that reads the playlist
 * needs, the playlist's answers (which segments are new, and the parts they form), failed
 * looks, and the cron's check that the runner's alarm still runs. The pure flow is in
 * live-intake.ts and live-plan.ts; the state in live-store.ts.
 */
export abstract class LiveRunner extends RunnerCore {
  /** The live answer under way (in memory: an evicted runner has none). */
  private liveAnswers: Promise<void> = Promise.resolve();

  /** The live job's parameters for the consumer that reads its playlist; null once it no longer polls. */
  async pollInput(jobId: string): Promise<JobInit | null> {
    const job = this.store.jobIn(jobId, ACTIVE_STATUSES);
    if (!job || job.init.params.scope.type !== "livestream" || this.live.get()?.done) return null;
    return job.init;
  }

  /** The last live segment seen (its media sequence number), so a source read segment by segment asks for the next. */
  async liveCursor(jobId: string): Promise<number | null> {
    if (!this.store.jobIn(jobId, ACTIVE_STATUSES)) return null;
    return this.live.get()?.last_msn ?? null;
  }

  /**
   * What the live playlist holds now: the plan (live-plan.ts) says which segments are new and
   * which parts they form; parts an earlier run tagged are left out unless replace. Repeated or
   * stale answers change nothing; the first answer starts the job at the live edge.
   */
  async liveSegments(jobId: string, segments: LiveSegmentInput[], targetMs: number, ended: boolean): Promise<void> {
    // One answer at a time: an answer planned while another awaits D1 would be planned from
    // the state before it, and only be made again once it lands.
    const answer = this.liveAnswers.then(() => this.answerLive(jobId, segments, targetMs, ended));
    this.liveAnswers = answer.catch(() => undefined);
    return answer;
  }

  /** One playlist answer (see liveSegments). */
  private async answerLive(jobId: string, segments: LiveSegmentInput[], targetMs: number, ended: boolean): Promise<void> {
    const job = this.store.jobIn(jobId, ACTIVE_STATUSES);
    if (!job) return;
    const before = this.live.get();
    const plan = planLiveAnswer(job, before, before ? this.live.pending() : [], segments, targetMs, ended, this.clock.now());
    if (!plan) return;

    // D1 first, then the live state and the parts it covers in one transaction: a runtime lost
    // in between leaves neither, and the next look at the playlist plans the same segments
    // again, instead of an interval counted as covered that no part will ever tag.
    let fresh = plan.parts;
    if (fresh.length > 0 && !job.init.params.replace) {
      const track = job.init.tracks[0]!.name;
      const tagged = await uploadedPartsAmong(this.env, { tenant: targetTenantOf(job.init), qid: job.init.target_qid }, track, fresh.map((p) => p.id));
      fresh = fresh.filter((p) => !tagged.has(p.id));
    }
    if (fresh.length > 0) await createBatches(this.env, job.init, fresh);
    // Other events ran while D1 answered: a job stopped meanwhile takes nothing, and an answer
    // recorded meanwhile makes this plan stale, so it is made again from that answer's state
    // (what that answer took is no longer new; the rest is not left for the next look).
    const current = this.store.jobIn(jobId, ACTIVE_STATUSES);
    if (!current) return;
    const now = this.live.get();
    if (now?.last_msn !== before?.last_msn || now?.covered_ms !== before?.covered_ms) return this.answerLive(jobId, segments, targetMs, ended);
    this.ctx.storage.transactionSync(() => {
      if (plan.starts) this.store.update({ status: "running", started_at: this.clock.now() });
      this.live.put(plan.live);
      for (const seg of plan.pendingAdded) this.live.addPending(seg);
      this.live.dropPending(plan.pendingDropped);
      if (plan.missed) this.store.update({ num_warnings: current.num_warnings + plan.missed.count, last_warning: plan.missed.warning });
      if (fresh.length > 0) {
        this.store.insertParts(fresh);
        this.store.update({ total: current.total + fresh.length });
      }
    });
    if (plan.starts) this.emit("job.running");
    if (plan.missed) console.warn(`job ${job.id}: ${plan.missed.count} live segment(s) missed, up to ${plan.missed.warning}`);
    if (fresh.length > 0 || plan.missed) this.progress();
    await this.afterPart();
    await this.flush(plan.starts);
    await this.arm();
  }

  /** The playlist could not be read: try again later, or fail after max_fetch_retries in a row. */
  async livePollFailed(jobId: string, error: string): Promise<void> {
    const job = this.store.jobIn(jobId, ACTIVE_STATUSES);
    const plan = job && planPollFailure(job, this.live.get(), error, this.clock.now());
    if (!plan) return;
    if ("fail" in plan) {
      this.store.cancelOpenParts();
      return this.finish("failed", plan.fail, "source_unreachable");
    }
    this.note("warning", `Reading the live playlist failed, looking again later: ${plan.warning}`);
    this.live.put(plan.live);
    this.store.update({ last_warning: plan.warning });
    await this.flush(false);
    await this.arm();
  }

  /** The cron's check on a live job: re-arms an alarm that is missing or late (the runner's only clock). */
  async reviveLive(jobId: string): Promise<"ok" | "rearmed" | "not-live"> {
    const job = this.store.jobIn(jobId, ACTIVE_STATUSES);
    if (!job || job.init.params.scope.type !== "livestream") return "not-live";
    const live = this.live.get();
    if (reviveVerdict(live, await this.ctx.storage.getAlarm(), this.clock.now()) === "ok") return "ok";
    if (live && !live.done) this.live.update({ next_poll_at: this.clock.now() });
    await this.ctx.storage.setAlarm(Date.now());
    return "rearmed";
  }
}
