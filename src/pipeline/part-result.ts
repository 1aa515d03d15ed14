import type { PartRef } from "../contract/part";
import type { PartMessage } from "../contract/queue";
import type { JobInit, PartTimings } from "../contract/job";
import type { ProviderTag } from "../providers/types";
import { alignTag } from "../tagstore/align";
import { markDownloaded } from "../tagstore/write";
import type { PartIo } from "./part-io";

/**
 * Stores a part's tags in content time (idempotently, through `io`) and reports the part done. `takeNext`: the
 * caller runs the job's next part itself; `next` is that part (null: none, or it was queued).
 */
export async function storePartTags(
  io: Pick<PartIo, "writeTags" | "partDone">,
  runner: string,
  init: JobInit,
  part: PartRef,
  tags: ProviderTag[],
  timings: PartTimings = {},
  takeNext = false,
): Promise<{ tags: number; next: PartMessage | null }> {
  const fps = typeof init.params.run_config.fps === "number" ? init.params.run_config.fps : undefined;
  const aligned = tags.map((t) => alignTag(t, part, init.tracks[0]!.name, fps));
  await io.writeTags(init, part, aligned);
  const span: [number, number] | undefined = aligned.length > 0 ? [Math.min(...aligned.map((t) => t.start_time)), Math.max(...aligned.map((t) => t.end_time))] : undefined;
  const next = await io.partDone(runner, init.job_id, part.id, { ok: true, tags: aligned.length, ...(span ? { span } : {}), ...timings }, takeNext);
  return { tags: aligned.length, next };
}

/** Records that the model failed on the part (its media was fetched) and reports it; `takeNext` as for storePartTags. */
export async function reportTagFailure(
  env: Env,
  io: Pick<PartIo, "partDone">,
  runner: string,
  init: JobInit,
  part: PartRef,
  error: string,
  transient: boolean,
  timings: PartTimings = {},
  takeNext = false,
): Promise<PartMessage | null> {
  await markDownloaded(env, init, part);
  return io.partDone(runner, init.job_id, part.id, { ok: false, stage: "tag", transient, error, ...timings }, takeNext);
}
