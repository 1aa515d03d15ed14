import type { LiveSegmentInput } from "../contract/live";
import { db } from "../db/client";
import { getContent } from "../db/contents";
import type { RunnerStub } from "../contract/runner";
import type { JobInit } from "../contract/job";
import { listHls } from "../sources/hls";
import { sourceOf } from "../sources/registry";
import { FetchError } from "../sources/safe-fetch";
import type { Outcome } from "./outcome";
import { readFabricLive } from "../sources/fabric/live";
import { asFetchError } from "../sources/fabric/as-fetch-error";

/**
 * One look at a live job's playlist (or, for fabric content, its newest segments): the segments
 * go to the runner, which decides what is new. A playlist that cannot be read is reported; the runner counts failures in a row.
 */
export async function pollLive(env: Env, runner: RunnerStub, init: JobInit): Promise<Outcome> {
  const scope = init.params.scope;
  if (scope.type !== "livestream") return { kind: "ack" };
  let segments: LiveSegmentInput[];
  let target: number;
  let ended: boolean;
  try {
    const content = await getContent(db(env), init.qid);
    if (!content) throw new FetchError(`Content ${init.qid} no longer exists`, false);
    if (content.origin === "fabric") {
      segments = await readFabricLive(env, content, scope.stream, scope.segment_length, await runner.liveCursor(init.job_id)).catch(asFetchError);
      await runner.liveSegments(init.job_id, segments, scope.segment_length * 1000, false);
      return { kind: "ack" };
    }
    const spec = content.streams[scope.stream];
    if (!spec) throw new FetchError(`Stream ${scope.stream} not found in content ${init.qid}`, false);
    const listing = await listHls(env, sourceOf(content.qid, spec), init.model_type === "audio");
    segments = listing.segments.map((s) => ({
      msn: s.sequence,
      discontinuity: s.discontinuity,
      duration_ms: s.duration_ms,
      source: s.source,
      ...(s.byterange ? { byterange: s.byterange } : {}),
      ...(s.init ? { init: s.init } : {}),
      ...(s.program_date_ms !== undefined ? { program_date_ms: s.program_date_ms } : {}),
    }));
    target = listing.target_duration_ms;
    ended = !listing.live;
  } catch (e) {
    if (!(e instanceof FetchError)) throw e;
    await runner.livePollFailed(init.job_id, e.message);
    return { kind: "ack" };
  }
  await runner.liveSegments(init.job_id, segments, target, ended);
  return { kind: "ack" };
}
