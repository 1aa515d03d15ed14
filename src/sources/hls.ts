import { parse, types } from "hls-parser";
import { FetchError } from "./safe-fetch";
import { readSourceText, resolveSource } from "./bytes";

export interface HlsSegment {
  source: string;
  start_ms: number;
  duration_ms: number;
  byterange?: { offset: number; length: number };
  init?: string;
  sequence: number;
  /** EXT-X-DISCONTINUITY-SEQUENCE of the segment: a restarted media sequence starts a new one. */
  discontinuity: number;
  /** EXT-X-PROGRAM-DATE-TIME, when the playlist gives it. */
  program_date_ms?: number;
}

export interface HlsListing {
  segments: HlsSegment[];
  live: boolean;
  duration_ms: number;
  target_duration_ms: number;
}

/** Why this text is not an HLS playlist, or null when it is one (an upload is checked on arrival). */
export function playlistProblem(text: string): string | null {
  if (!text.trimStart().startsWith("#EXTM3U")) return "it does not start with #EXTM3U";
  try {
    parse(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

function parsePlaylist(text: string, source: string): types.MasterPlaylist | types.MediaPlaylist {
  try {
    return parse(text);
  } catch (e) {
    throw new FetchError(`Not a valid HLS playlist (${source}): ${(e as Error).message}`, false);
  }
}

/** Picks the media playlist a stream means: the highest-bandwidth variant, or for audio the default rendition. */
function pickMedia(master: types.MasterPlaylist, audio: boolean): string | undefined {
  if (audio) {
    const renditions = master.variants.flatMap((v) => v.audio).filter((r) => r.uri);
    const chosen = renditions.find((r) => r.isDefault) ?? renditions[0];
    if (chosen?.uri) return chosen.uri;
  }
  const best = [...master.variants].sort((a, b) => b.bandwidth - a.bandwidth)[0];
  return best?.uri;
}

/** Lists the segments of an HLS stream (master or media playlist), with their place in content time. */
export async function listHls(env: Env, source: string, audio = false): Promise<HlsListing> {
  let playlistSource = source;
  let playlist = parsePlaylist(await readSourceText(env, source), source);
  if (playlist.isMasterPlaylist) {
    const uri = pickMedia(playlist, audio);
    if (!uri) throw new FetchError(`Master playlist ${source} has no variants`, false);
    playlistSource = resolveSource(source, uri);
    playlist = parsePlaylist(await readSourceText(env, playlistSource), playlistSource);
    if (playlist.isMasterPlaylist) throw new FetchError(`Variant ${playlistSource} is not a media playlist`, false);
  }
  const media = playlist;
  let t = 0;
  let lastEnd = 0;
  let discontinuity = media.discontinuitySequenceBase ?? 0;
  let pdt: number | undefined;
  const segments: HlsSegment[] = media.segments.map((seg, i) => {
    const duration_ms = Math.round(seg.duration * 1000);
    if (seg.discontinuity && i > 0) discontinuity++;
    // A date carries on to the following segments until the next one (RFC 8216, 4.4.4.6).
    if (seg.programDateTime) pdt = seg.programDateTime.getTime();
    else if (pdt !== undefined && seg.discontinuity) pdt = undefined;
    const entry: HlsSegment = {
      source: resolveSource(playlistSource, seg.uri),
      start_ms: t,
      duration_ms,
      sequence: (media.mediaSequenceBase ?? 0) + i,
      discontinuity,
      ...(pdt !== undefined ? { program_date_ms: pdt } : {}),
    };
    if (pdt !== undefined) pdt += duration_ms;
    if (seg.byterange) {
      // A byte range without an offset continues where the previous one ended.
      const offset = seg.byterange.offset ?? lastEnd;
      entry.byterange = { offset, length: seg.byterange.length };
      lastEnd = offset + seg.byterange.length;
    }
    if (seg.map?.uri) entry.init = resolveSource(playlistSource, seg.map.uri);
    t += duration_ms;
    return entry;
  });
  return { segments, live: !media.endlist, duration_ms: t, target_duration_ms: Math.round((media.targetDuration ?? 6) * 1000) };
}
