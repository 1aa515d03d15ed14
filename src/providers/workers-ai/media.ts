import type { PartRef } from "../../contract/part";
import { ProviderError } from "../types";

/** Seconds as Media Transformations takes them ("12.5s"). */
const secs = (ms: number) => `${Number((ms / 1000).toFixed(3))}s`;

/** The part's bytes in R2: the whole file for `range` parts (then times are the part's), else the part itself. */
export interface PartBytes {
  key: string;
  /** Offset of the part within the object, in ms (0 when the object is the part). */
  offset_ms: number;
}

async function input(env: Env, bytes: PartBytes): Promise<MediaTransformer> {
  if (!env.MEDIA) throw new ProviderError("the Media Transformations binding (MEDIA) is not configured in this deployment", false);
  const obj = await env.BUCKET.get(bytes.key);
  if (!obj) throw new ProviderError(`Media ${bytes.key} is missing`, false);
  return env.MEDIA.input(obj.body);
}

async function read(result: MediaTransformationResult, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await new Response(await result.media()).arrayBuffer());
  } catch (e) {
    // Media Transformations errors carry a code; a source it cannot read will not read next time either.
    const err = e as { code?: number; message?: string };
    throw new ProviderError(`Media Transformations could not make the ${what}: ${err.message ?? String(e)}`, typeof err.code === "number" ? err.code >= 500 : true);
  }
}

/** The part's audio as M4A (what Whisper is given). */
export async function partAudio(env: Env, bytes: PartBytes, part: PartRef): Promise<Uint8Array> {
  const t = await input(env, bytes);
  return read(t.output({ mode: "audio", time: secs(bytes.offset_ms), duration: secs(part.duration_ms), format: "m4a" }), "audio");
}

/** One JPEG frame `atMs` into the part, at most 640 px wide (plenty for these models, cheap to send). */
export async function partFrame(env: Env, bytes: PartBytes, atMs: number): Promise<Uint8Array> {
  const t = await input(env, bytes);
  return read(t.transform({ width: 640, fit: "scale-down" }).output({ mode: "frame", time: secs(bytes.offset_ms + atMs), format: "jpg" }), "frame");
}

/** Frame times at `fps` within a part: n / fps for every n inside it (at least the first frame). */
export function frameTimes(durationMs: number, fps: number, max = 60): number[] {
  const step = 1000 / fps;
  const times: number[] = [];
  for (let t = 0; t < Math.max(1, durationMs) && times.length < max; t += step) times.push(Math.round(t));
  return times;
}
