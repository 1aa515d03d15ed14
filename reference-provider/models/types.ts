import type { MediaInput } from "../ffmpeg";

/** A tag in the provider protocol: times in ms relative to the part. */
export interface Tag {
  start_time: number;
  end_time: number;
  text: string;
  track?: string;
  frame_info?: { frame_idx: number; box?: { x1: number; y1: number; x2: number; y2: number } };
  additional_info?: Record<string, unknown>;
}

/** One model of the reference provider: how it reads its params and what it does with a part. */
export interface ModelSpec<P> {
  name: string;
  type: "video" | "audio" | "frame";
  track: string;
  description: string;
  params_schema: Record<string, unknown>;
  defaults: P;
  parse(params: Record<string, unknown>): { value: P } | { error: string };
  run(media: MediaInput, params: P): Promise<Tag[]>;
}
