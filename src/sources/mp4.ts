import { createFile, MP4BoxBuffer, type Movie } from "mp4box";
import { FetchError } from "./safe-fetch";

/** Reads `length` bytes at `offset` of the file. */
export type RangeReader = (offset: number, length: number) => Promise<ArrayBuffer>;

/**
 * The movie header of an MP4, read without loading the media: walk the top-level boxes by
 * their headers until `moov`, then let mp4box parse it.
 */
export async function readMp4Info(read: RangeReader, size: number): Promise<Movie> {
  let offset = 0;
  const boxes: Array<{ offset: number; buf: ArrayBuffer }> = [];
  while (offset + 8 <= size) {
    const head = new DataView(await read(offset, Math.min(16, size - offset)));
    let boxSize = head.getUint32(0);
    const type = String.fromCharCode(head.getUint8(4), head.getUint8(5), head.getUint8(6), head.getUint8(7));
    if (boxSize === 1) boxSize = Number(head.getBigUint64(8));
    else if (boxSize === 0) boxSize = size - offset;
    if (boxSize < 8) throw new FetchError("Not a valid MP4 file (bad box size)", false);
    if (type === "ftyp" || type === "moov") boxes.push({ offset, buf: await read(offset, boxSize) });
    if (type === "moov") break;
    offset += boxSize;
  }
  if (!boxes.some((b) => b.buf.byteLength > 0) || boxes.length === 0) throw new FetchError("Not a valid MP4 file (no moov box)", false);
  const file = createFile();
  let info: Movie | undefined;
  file.onReady = (i) => {
    info = i;
  };
  for (const b of boxes) file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(b.buf, b.offset));
  file.flush();
  if (!info) throw new FetchError("Not a valid MP4 file (moov could not be read)", false);
  return info;
}

/**
 * How long a stream of the file plays, in ms: its tracks' edit lists when they have them (the
 * AAC encoder's priming samples make the movie header a few ms longer than what plays), else
 * their durations; the movie header when the file has no track of that kind.
 */
export function mp4DurationMs(info: Movie, kind?: "video" | "audio"): number {
  const tracks = info.tracks.filter((t) => !kind || t.type === kind);
  const played = tracks.map((t) => {
    const edits = (t.edits ?? []).filter((e) => e.media_time >= 0);
    const movieUnits = edits.length > 0 ? edits.reduce((sum, e) => sum + e.segment_duration, 0) : t.movie_duration;
    return (movieUnits / (t.movie_timescale || info.timescale)) * 1000;
  });
  return Math.round(played.length > 0 ? Math.max(...played) : (info.duration / info.timescale) * 1000);
}
