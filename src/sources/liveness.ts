import type { Content } from "../db/contents";
import { listHls } from "./hls";
import { sourceOf } from "./registry";
import { FetchError } from "./safe-fetch";

/** Whether content is live, and why that could not be told (its playlist could not be read). */
export interface LiveCheck {
  live: boolean;
  unreadable: string | null;
}

/**
 * Whether content is live: its video stream (or its first stream) is an HLS media playlist
 * without EXT-X-ENDLIST. Read when a job starts, because that decides the default scope. A
 * playlist that cannot be read is not live, with the reason kept: a livestream job is refused
 * with it, and listing any other job's parts says it too.
 */
export async function checkLive(env: Env, content: Content): Promise<LiveCheck> {
  const [name, spec] = Object.entries(content.streams).find(([n]) => n === "video") ?? Object.entries(content.streams)[0] ?? [];
  if (!name || !spec) return { live: false, unreadable: null };
  const source = sourceOf(content.qid, spec);
  if (!/\.m3u8?(\?|$)/i.test(source)) return { live: false, unreadable: null };
  try {
    return { live: (await listHls(env, source)).live, unreadable: null };
  } catch (e) {
    if (e instanceof FetchError) return { live: false, unreadable: e.message };
    throw e;
  }
}
