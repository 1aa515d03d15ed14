import { jobStatusView } from "../jobs/view";
import { EventLog, type FeedEvent, type FeedEventType, progressData } from "./feed-events";
import type { JobState } from "./runner-store";
import { jobRowOf } from "./snapshot";

/** At most one progress event per job this often (about 10 a second). */
const PROGRESS_INTERVAL_MS = 100;

/**
 * A TagRunner's side of the feeds: its event log, its own hibernatable sockets (the pair feed),
 * publishing to the tenant's feed in order, and progress coalescing.
 */
export class RunnerFeed {
  readonly log: EventLog;
  /**
   * Events not yet handed to the tenant feed, and whether a call is under way: one call at a
   * time, in order, each taking every event that piled up meanwhile (in memory: lost with the
   * object, like the events it carries are not).
   */
  private unpublished: FeedEvent[] = [];
  private publishing = false;
  /** How many `together` steps are under way: events emitted meanwhile wait for one to end. */
  private held = 0;
  private lastProgressAt = 0;
  private progressPending = false;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
  ) {
    this.log = new EventLog(ctx.storage);
    // Answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** A new subscriber: a snapshot of the job, the events after `since`, then every event as it happens. */
  accept(request: Request, job: JobState | null, tenant: string): Response {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a websocket", { status: 426 });
    const since = new URL(request.url).searchParams.get("since");
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.send(JSON.stringify({ type: "snapshot", seq: this.log.lastSeq(), jobs: job ? [jobStatusView(jobRowOf(job), Date.now())] : [] }));
    if (since !== null) for (const e of this.log.since(Number(since))) if (e.tenant === tenant) server.send(JSON.stringify(e));
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Records an event, sends it to the pair's sockets and publishes it to the tenant's feed. */
  emit(job: JobState | null, type: FeedEventType, data: Record<string, unknown> = {}): void {
    if (!job) return;
    if (type !== "job.progress") this.progressPending = false;
    const event: FeedEvent = this.log.append((seq) => ({
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
    this.unpublished.push(event);
    if (!this.publishing && this.held === 0) void this.publish();
  }

  /**
   * Runs `step` with publishing held back, so the events it emits go to the tenant feed in one
   * call and reach each socket together: a report's job.tags and the job.progress it ends with
   * are a few awaits apart. Every step's end publishes what is waiting, including what other
   * steps under way emitted so far, so steps that overlap without end cannot hold events back.
   */
  async together<T>(step: () => Promise<T>): Promise<T> {
    this.held++;
    try {
      return await step();
    } finally {
      this.held--;
      if (!this.publishing && this.unpublished.length > 0) void this.publish();
    }
  }

  private async publish(): Promise<void> {
    this.publishing = true;
    while (this.unpublished.length > 0) {
      // Each call goes to one tenant's feed: the run of events of the same tenant at the front.
      const tenant = this.unpublished[0]!.tenant;
      const other = this.unpublished.findIndex((e) => e.tenant !== tenant);
      const events = this.unpublished.splice(0, other < 0 ? this.unpublished.length : other);
      await this.env.TENANT_FEED.getByName(tenant)
        .publishMany(events)
        .catch((e: unknown) => console.error(`feed of ${tenant}: ${events.length} event(s) not published`, e));
    }
    this.publishing = false;
  }

  /** Progress, coalesced: at once if the last was long enough ago, else when nextProgressAt() comes. */
  progress(job: JobState | null): void {
    const now = Date.now();
    if (now - this.lastProgressAt >= PROGRESS_INTERVAL_MS) {
      this.lastProgressAt = now;
      this.progressPending = false;
      this.emit(job, "job.progress");
    } else this.progressPending = true;
  }

  /** When a held-back progress event is due (for the runner's alarm), or null. */
  nextProgressAt(): number | null {
    return this.progressPending ? this.lastProgressAt + PROGRESS_INTERVAL_MS : null;
  }
}
