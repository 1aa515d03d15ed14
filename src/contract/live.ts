/** A segment of a live playlist as the consumer reports it to the job's TagRunner. */
export interface LiveSegmentInput {
  msn: number;
  discontinuity: number;
  duration_ms: number;
  source: string;
  byterange?: { offset: number; length: number };
  init?: string;
  program_date_ms?: number;
}
