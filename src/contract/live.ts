/** A segment of a live playlist as the consumer reports it to the job's TagRunner. */
export interface LiveSegmentInput {
  msn: number;
  discontinuity: number;
  duration_ms: number;
  source: string;
  byterange?: { offset: number; length: number };
  init?: string;
  program_date_ms?: number;
  /** The segment's media type when it is not MPEG-TS (fabric live segments are MP4). */
  content_type?: string;
  /** A self-contained file (an MP4): a part on its own, never concatenated with the next. */
  whole?: boolean;
}
