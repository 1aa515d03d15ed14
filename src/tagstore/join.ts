import type { BoundaryKind } from "../contract/job";

/*
 * Joining what part boundaries cut. A model's parts are tagged one by one, so a shot that runs
 * across a boundary comes back as two shots, one caption on screen for five sampled frames as
 * five tags, a silence across a boundary as two. Once a job's parts are tagged the engine joins
 * them, by the model's declared BoundaryKind. Pure: the tag store feeds a track's tags in time
 * order and writes what comes out (tagstore/finalize.ts).
 */

/** A stored tag as the joiner sees it (additional_info parsed). */
export interface JoinableTag {
  id: string;
  source: string;
  start_time: number;
  end_time: number;
  text: string;
  frame_info: { frame_idx: number; box?: unknown } | null;
  additional_info: Record<string, unknown> | null;
}

/** Tags that become one: `members` (stored rows, in time order) are replaced by `joined`. */
export interface JoinedGroup {
  members: JoinableTag[];
  joined: JoinableTag;
}

/** Pieces this close count as touching (rounding of frame and sample times). */
export const TOUCH_MS = 100;
/** Frame boxes kept in a joined segment's additional_info.frames. */
export const MAX_FRAMES_KEPT = 100;

const info = (t: JoinableTag) => t.additional_info ?? {};
/** A provider may mark one tag as a measurement of its part alone (additional_info.boundary = "none"). */
const optedOut = (t: JoinableTag) => info(t).boundary === "none";
/** A shot that starts with a measured scene change is a real cut, boundary or not. */
const realCut = (t: JoinableTag) => info(t).scene_score !== undefined || info(t).cut === true;
const confidence = (t: JoinableTag) => (typeof info(t).confidence === "number" ? (info(t).confidence as number) : null);
const keyOf = (t: JoinableTag) => `${t.text}\u0000${String(info(t).kind ?? "")}`;

interface Chain {
  members: JoinableTag[];
  end: number;
}

/**
 * Feeds one track's tags in (start_time, end_time) order; `push` and `end` return the groups
 * that closed. Only chains still open are held, so a long track streams through in pages.
 */
export class TagJoiner {
  private readonly open = new Map<string, Chain>();

  constructor(private readonly kind: BoundaryKind) {}

  push(tag: JoinableTag): JoinedGroup[] {
    if (this.kind === "none" || optedOut(tag)) return [];
    const closed = this.closeBefore(tag.start_time);
    const key = this.kind === "cut" ? "" : keyOf(tag);
    const chain = this.open.get(key);
    if (chain && this.continues(chain, tag)) {
      chain.members.push(tag);
      chain.end = Math.max(chain.end, tag.end_time);
      return closed;
    }
    if (chain) closed.push(...this.close(key));
    this.open.set(key, { members: [tag], end: tag.end_time });
    return closed;
  }

  end(): JoinedGroup[] {
    return [...this.open.keys()].flatMap((k) => this.close(k));
  }

  private continues(chain: Chain, tag: JoinableTag): boolean {
    const last = chain.members.at(-1)!;
    const touches = Math.abs(tag.start_time - chain.end) <= TOUCH_MS;
    switch (this.kind) {
      case "cut":
        // Only a part boundary cut it: the next piece comes from another part, starts where the
        // chain ends and is not a measured cut.
        return tag.start_time === chain.end && tag.source !== last.source && !realCut(tag);
      case "stretch":
        return touches && tag.source !== last.source;
      case "segment":
        // Consecutive sampled frames (or overlapping detections) with the same text.
        return tag.start_time <= chain.end + TOUCH_MS;
      default:
        return false;
    }
  }

  /** Closes chains that can no longer continue (they end before `t`). */
  private closeBefore(t: number): JoinedGroup[] {
    const out: JoinedGroup[] = [];
    for (const [key, chain] of this.open) if (chain.end + TOUCH_MS < t) out.push(...this.close(key));
    return out;
  }

  private close(key: string): JoinedGroup[] {
    const chain = this.open.get(key)!;
    this.open.delete(key);
    return chain.members.length > 1 ? [joinGroup(this.kind, chain.members)] : [];
  }
}

/** The joined tag: it keeps the first piece's id (marked), text and info, spans them all, and for segments the best confidence and the frames. */
function joinGroup(kind: BoundaryKind, members: JoinableTag[]): JoinedGroup {
  const first = members[0]!;
  const end = Math.max(...members.map((m) => m.end_time));
  const id = first.id.endsWith("~joined") ? first.id : `${first.id}~joined`;
  let additional: Record<string, unknown> | null = first.additional_info;
  let frame = first.frame_info;
  if (kind === "segment") {
    const best = members.reduce((a, b) => ((confidence(b) ?? -1) > (confidence(a) ?? -1) ? b : a));
    frame = best.frame_info;
    const frames = members.flatMap((m) => (Array.isArray(info(m).frames) ? (info(m).frames as unknown[]) : m.frame_info ? [{ ...m.frame_info, time: m.start_time, ...(confidence(m) === null ? {} : { confidence: confidence(m) }) }] : []));
    additional = {
      ...info(first),
      ...(confidence(best) === null ? {} : { confidence: confidence(best) }),
      ...(frames.length > 0 ? { frames: frames.slice(0, MAX_FRAMES_KEPT) } : {}),
    };
  }
  return { members, joined: { id, source: first.source, start_time: first.start_time, end_time: end, text: first.text, frame_info: frame, additional_info: additional } };
}
