import type { LiveSegmentInput } from "../../contract/live";
import type { Content } from "../../db/contents";
import { MAX_BUFFERED_MEDIA_BYTES } from "../../limits";
import { readCapped, R2_PREFIX } from "../bytes";
import { mediaPrefix } from "../registry";
import { tenantFabricAccess } from "./access";
import { FabricError, fabricFetch, liveSegmentUrl } from "./client";
import { parseSegmentInfo } from "./offering";

/** Segments read in one look: enough to catch up after a late poll without holding the consumer long. */
const MAX_SEGMENTS_PER_LOOK = 4;

/**
 * One look at a fabric live stream object: its segments are read one by one from
 * `rep/media/segment` (`num`, `duration`, `stream`), each telling its number, offset, duration
 * and wall-clock time in the `X-Content-Fabric-Segment-Info` header. A job's first look asks
 * without `num` (the newest segment: tagging starts at the live edge, as for HLS); later looks
 * ask for the next numbers until the fabric has none yet (404). The bytes go to R2 at once,
 * because reading a segment is downloading it.
 */
export async function readFabricLive(env: Env, content: Content, stream: string, segmentLengthS: number, lastSeen: number | null): Promise<LiveSegmentInput[]> {
  const access = await tenantFabricAccess(env, content.tenant_id);
  const out: LiveSegmentInput[] = [];
  let next = lastSeen === null ? null : lastSeen + 1;
  const contentType = stream === "video" ? "video/mp4" : "audio/mp4";
  const prefix = await mediaPrefix(content.qid, stream, `fabric-live:${segmentLengthS}`);
  for (let i = 0; i < MAX_SEGMENTS_PER_LOOK; i++) {
    let res: Response;
    try {
      res = await fabricFetch(env, access, liveSegmentUrl(access.base, content.qid, stream, segmentLengthS, next), `live segment ${next ?? "(newest)"} of ${content.qid}`);
    } catch (e) {
      // The next segment is not recorded yet: what was read so far is this look's answer.
      if (e instanceof FabricError && e.status === 404 && next !== null) break;
      if (out.length > 0) break;
      throw e;
    }
    let info;
    try {
      info = parseSegmentInfo(res.headers.get("x-content-fabric-segment-info"));
    } catch (e) {
      await res.body?.cancel();
      throw new FabricError(`Live segment of ${content.qid}: ${(e as Error).message}`, res.status, false);
    }
    const bytes = await readCapped(
      { body: res.body ?? new ReadableStream({ start: (c) => c.close() }), length: Number(res.headers.get("content-length")) || null },
      MAX_BUFFERED_MEDIA_BYTES,
      `Live segment ${info.seg_num} of ${content.qid}`,
    );
    const key = `${prefix}/${info.seg_num}`;
    await env.BUCKET.put(key, bytes, { httpMetadata: { contentType } });
    out.push({
      msn: info.seg_num,
      discontinuity: 0,
      duration_ms: Math.round(info.actual_duration * 1000),
      source: `${R2_PREFIX}${key}`,
      program_date_ms: info.seg_time_epoch_millis,
      content_type: contentType,
      whole: true,
    });
    next = info.seg_num + 1;
  }
  return out;
}
