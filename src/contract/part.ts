import { z } from "zod";

const byteRange = z.object({ offset: z.number().int().nonnegative(), length: z.number().int().positive() });

/**
 * One unit of work: a piece of a stream (or one image asset) that a model tags on its own. It
 * travels in queue messages and lives in the TagRunner's storage; the type is derived from the
 * schema the queue consumer checks messages with.
 */
export const partRefSchema = z.object({
  /** Stable across jobs, so diff-based tagging can recognise a part tagged before. */
  id: z.string().min(1),
  idx: z.number().int().nonnegative(),
  /** Where the part starts in content time, and how long it is (0 for images). */
  start_ms: z.number(),
  duration_ms: z.number().nonnegative(),
  /** `segment`: a file holding just this part; `range`: a time range of a larger file; `image`: an asset. */
  kind: z.enum(["segment", "range", "image"]),
  /** Where the bytes come from: an http(s) URL or `r2:<key>` for uploaded files. */
  source: z.string().min(1),
  /** HLS byte range of a segment, and an fMP4 init section to prepend. */
  byterange: byteRange.optional(),
  init: z.string().optional(),
  content_type: z.string(),
  /**
   * A live part made of several consecutive segments: their sources, in order (`source` is the
   * first). A processor chunk of fabric content: the fabric parts it overlaps, with their times.
   */
  concat: z
    .array(z.object({ source: z.string().min(1), byterange: byteRange.optional(), start_ms: z.number().optional(), duration_ms: z.number().nonnegative().optional() }))
    .optional(),
  /** `fabric`: the sources are read with the content tenant's fabric credential (never a user's token). */
  auth: z.enum(["fabric"]).optional(),
  /** Live parts: media sequence numbers of the segments; `start_ms` is then wall-clock time (ms since the epoch). */
  live: z.object({ msns: z.array(z.number().int()), seen_at: z.number() }).optional(),
});

export type PartRef = z.infer<typeof partRefSchema>;
