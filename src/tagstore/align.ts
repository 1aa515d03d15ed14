import type { PartRef } from "../contract/part";
import type { ProviderTag } from "../providers/types";

export interface AlignedTag {
  track: string;
  start_time: number;
  end_time: number;
  text: string;
  frame_info: ProviderTag["frame_info"] | null;
  additional_info: Record<string, unknown> | null;
}

/**
 * Moves a provider's tag from part time to content time: times add the part's offset, and a
 * frame index shifts by offset_s × fps. Times are whole milliseconds.
 */
export function alignTag(tag: ProviderTag, part: Pick<PartRef, "start_ms" | "live">, defaultTrack: string, fps?: number): AlignedTag {
  const start = part.start_ms + Math.round(tag.start_time);
  const end = Math.max(start, part.start_ms + Math.round(tag.end_time));
  let frame_info: AlignedTag["frame_info"] = tag.frame_info ?? null;
  if (frame_info && fps !== undefined && fps > 0) {
    frame_info = { ...frame_info, frame_idx: frame_info.frame_idx + Math.round((part.start_ms / 1000) * fps) };
  }
  return {
    track: tag.track ?? defaultTrack,
    start_time: start,
    end_time: end,
    text: tag.text,
    frame_info,
    // Live parts start at a wall-clock time: the tag's says when it aired.
    additional_info: part.live ? { ...(tag.additional_info ?? {}), timestamp_ms: start } : (tag.additional_info ?? null),
  };
}
