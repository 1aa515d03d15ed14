import type { JobInit } from "../contract/job";
import type { PartMessage } from "../contract/queue";
import { runnerByName } from "../contract/runner";
import { callHttpProvider } from "../providers/http";
import { DEFAULT_CALLBACK_TIMEOUT_S, ProviderError } from "../providers/types";
import { callWorkersAi } from "../providers/workers-ai/run";
import { FetchError } from "../sources/safe-fetch";
import { callbackUrl } from "./callback-url";
import type { Outcome } from "./outcome";
import { preparePartMedia } from "./part-media";
import { reportTagFailure, storePartTags } from "./part-result";
import { callProviders, prefetchSlot } from "./provider-chain";
import { directIo, type PartIo } from "./part-io";
import { providerId } from "../providers/identity";


/** A part's media counts as downloaded in its job's progress once its provider has worked on it this long. */
const FETCHED_REPORT_AFTER_MS = 300;

/**
 * Runs `report` after `afterMs` unless settled() comes first; settled() waits for a report under
 * way and passes on its failure (the message is then retried, as for every runner call).
 * `reportNow`: make the report at once if it was not made yet.
 */
function reportLater(report: () => Promise<void>, afterMs: number): { settled(reportNow?: boolean): Promise<void> } {
  let running: Promise<void> | null = null;
  const start = () => {
    running = report();
    // Awaited in settled(); this keeps a failure before then from being unhandled.
    running.catch(() => undefined);
  };
  const timer = setTimeout(start, afterMs);
  return {
    async settled(reportNow = false) {
      clearTimeout(timer);
      if (reportNow && !running) start();
      await running;
    },
  };
}

/**
 * One part from source to tag store: fetch into R2, call the provider, align, store, report.
 * `takeNext`: ask the runner for the job's next part to run here at once (Outcome.next).
 * `handedInit`: the part was just handed over in the runner's reply, in flight for this job, so
 * it needs no claim (one round trip less per part; a stop meanwhile counts it as a part that was
 * in flight at the stop, as it was). `io`: the slot and tag round trips, grouped with the other
 * parts of the consumer's invocation (part-io.ts).
 */
export async function handlePart(env: Env, m: PartMessage, takeNext = false, handedInit?: JobInit, io: PartIo = directIo(env)): Promise<Outcome> {
  const runner = runnerByName(env, m.runner);
  const init = handedInit ?? (await runner.claim(m.job_id, m.part.id));
  if (!init) return { kind: "ack" }; // stopped, finished, or a duplicate of a part already done
  const part = m.part;
  const handed = (next: PartMessage | null): Outcome => ({ kind: "ack", next: next ? { message: next, init } : null });

  const slot = prefetchSlot(io, init, part.id, m.attempt, m.queued_at);
  const fetchStarted = Date.now();
  let prepared;
  try {
    prepared = await preparePartMedia(env, init, part);
  } catch (e) {
    await slot.release();
    if (!(e instanceof FetchError)) throw e;
    return handed(await io.partDone(m.runner, m.job_id, part.id, { ok: false, stage: "fetch", transient: e.transient, error: e.message, fetch_ms: Date.now() - fetchStarted }, takeNext));
  }
  const timings = { fetch_ms: Date.now() - fetchStarted };
  const tagStarted = Date.now();
  // "Downloaded" is reported while the provider works, if it works long enough for a person to
  // see it; a quicker answer's report says it all the same (one runner round trip less per part).
  const fetched = reportLater(() => runner.partFetched(m.job_id, part.id), FETCHED_REPORT_AFTER_MS);

  let result;
  try {
    result = await callProviders(env, io, init, part.id, m.attempt, async (provider) => {
      if (provider.kind === "workers-ai") {
        if (!prepared.bytes) throw new ProviderError("Workers AI models read media from R2; this part's source is remote", false);
        return callWorkersAi(env, provider, init, part, prepared.bytes);
      }
      const callback_url = await callbackUrl(env, init, m.runner, part.id, m.attempt, provider);
      return callHttpProvider(env, provider, { model: init.model, params: init.params.run_config, media: prepared.media, callback_url });
    }, slot.slot, m.queued_at);
  } catch (e) {
    // The media was downloaded whatever the model made of it: that counts in the progress.
    await fetched.settled(true);
    if (!(e instanceof ProviderError)) throw e;
    return handed(await reportTagFailure(env, io, m.runner, init, part, e.message, e.transient, { ...timings, tag_ms: Date.now() - tagStarted }, takeNext));
  }
  // Only a direct answer's report says the part was downloaded; a part that waits (for its
  // callback, or for a slot) shows its download meanwhile.
  await fetched.settled(result.kind === "busy" || result.reply.kind === "accepted");
  if (result.kind === "busy") {
    // Waiting for a slot is no failure: the runner sends the part again shortly, same attempt
    // (a low-priority part a little later, leaving the queue to the others meanwhile).
    await runner.partDeferred(m.job_id, part.id, m.attempt, init.priority === "low" ? 3 : 1, m.queued_at);
    return { kind: "ack" };
  }
  const { reply, provider, settled } = result;
  // Accepted: the result comes to the callback URL; the runner's watchdog waits for it.
  if (reply.kind === "accepted") {
    await settled;
    const waitS = provider.kind === "http" ? (provider.callback_timeout_s ?? DEFAULT_CALLBACK_TIMEOUT_S) : DEFAULT_CALLBACK_TIMEOUT_S;
    await runner.partAccepted(m.job_id, part.id, m.attempt, waitS * 1000);
    return { kind: "ack" };
  }
  const [stored] = await Promise.all([storePartTags(io, m.runner, init, part, reply.tags, { ...timings, tag_ms: Date.now() - tagStarted, provider: providerId(provider) }, takeNext), settled]);
  return handed(stored.next);
}
