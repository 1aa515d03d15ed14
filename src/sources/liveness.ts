import type { Content } from "../db/contents";
import { listHls } from "./hls";
import { sourceOf } from "./registry";
import { FetchError } from "./safe-fetch";

/**
 * Whether content is live: its video stream (or its first stream) is an HLS media playlist
 * without EXT-X-ENDLIST. Read when a job starts, because that decides the default scope. A
 * playlist that cannot be read is taken as not live; listing its parts will say what is wrong.
 */
export async function isLiveContent(env: Env, content: Content): Promise<boolean> {
  const [name, spec] = Object.entries(content.streams).find(([n]) => n === "video") ?? Object.entries(content.streams)[0] ?? [];
  if (!name || !spec) return false;
  const source = sourceOf(content.qid, spec);
  if (!/\.m3u8?(\?|$)/i.test(source)) return false;
  try {
    return (await listHls(env, source)).live;
  } catch (e) {
    if (e instanceof FetchError) return false;
    throw e;
  }
}
