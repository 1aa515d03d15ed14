import { runnerByName } from "../jobs/runner-client";
import type { QueueMessage } from "../jobs/runner-types";
import { callHttpProvider } from "../providers/http";
import { ProviderError } from "../providers/types";
import { FetchError } from "../sources/safe-fetch";
import { alignTag } from "../tagstore/align";
import { markDownloaded, writePartTags } from "../tagstore/write";
import type { Outcome } from "./outcome";
import { preparePartMedia } from "./part-media";

type PartMessage = Extract<QueueMessage, { type: "part" }>;

/** One part from source to tag store: fetch into R2, call the provider, align, store, report. */
export async function handlePart(env: Env, m: PartMessage): Promise<Outcome> {
  const runner = runnerByName(env, m.runner);
  const init = await runner.claim(m.job_id, m.part.id);
  if (!init) return { kind: "ack" }; // stopped, finished, or a duplicate of a part already done
  const part = m.part;

  let media;
  try {
    media = await preparePartMedia(env, init, part);
  } catch (e) {
    if (!(e instanceof FetchError)) throw e;
    await runner.partDone(m.job_id, part.id, { ok: false, stage: "fetch", transient: e.transient, error: e.message });
    return { kind: "ack" };
  }
  // Progress is reported while the provider works: it need not delay the call.
  const fetched = runner.partFetched(m.job_id, part.id);

  let tags;
  try {
    tags = await callHttpProvider(init.provider, { model: init.model, params: init.params.run_config, media });
  } catch (e) {
    await fetched;
    if (!(e instanceof ProviderError)) throw e;
    await markDownloaded(env, init, part);
    await runner.partDone(m.job_id, part.id, { ok: false, stage: "tag", transient: e.transient, error: e.message });
    return { kind: "ack" };
  }
  await fetched;
  const fps = typeof init.params.run_config.fps === "number" ? init.params.run_config.fps : undefined;
  const aligned = tags.map((t) => alignTag(t, part, init.tracks[0]!.name, fps));
  await writePartTags(env, init, part, aligned);
  await runner.partDone(m.job_id, part.id, { ok: true, tags: aligned.length });
  return { kind: "ack" };
}
