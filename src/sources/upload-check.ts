import { MAX_PLAYLIST_BYTES } from "../limits";
import { playlistProblem } from "./hls";
import { readMp4Info } from "./mp4";
import { FetchError } from "./safe-fetch";

/** What is wrong with an uploaded MP4 or HLS playlist (by its extension), or null; other files are not inspected. */
export async function uploadProblem(env: Env, key: string, path: string, size: number): Promise<string | null> {
  if (/\.(mp4|m4v|m4a|mov)$/i.test(path)) {
    const read = async (offset: number, length: number) => {
      const o = await env.BUCKET.get(key, { range: { offset, length } });
      return o ? o.arrayBuffer() : new ArrayBuffer(0);
    };
    const head = new Uint8Array(await read(0, Math.min(12, size)));
    if (String.fromCharCode(...head.slice(4, 8)) !== "ftyp") return "not an MP4 file (it does not start with an ftyp box)";
    try {
      await readMp4Info(read, size);
      return null;
    } catch (e) {
      if (e instanceof FetchError) return e.message;
      throw e;
    }
  }
  if (/\.m3u8?$/i.test(path)) {
    if (size > MAX_PLAYLIST_BYTES) return `a playlist is read whole, and this one is larger than ${MAX_PLAYLIST_BYTES} bytes`;
    const text = (await (await env.BUCKET.get(key))?.text()) ?? "";
    const problem = playlistProblem(text);
    return problem ? `not a valid HLS playlist: ${problem}` : null;
  }
  return null;
}
