import { describe, expect, it } from "vitest";
import type { BoundaryKind } from "../../src/contract/job";
import { type JoinableTag, TagJoiner } from "../../src/tagstore/join";

let n = 0;
const tag = (source: string, start: number, end: number, text: string, info: Record<string, unknown> | null = null): JoinableTag => ({
  id: `t${n++}`,
  source,
  start_time: start,
  end_time: end,
  text,
  frame_info: null,
  additional_info: info,
});

function join(kind: BoundaryKind, tags: JoinableTag[]) {
  const j = new TagJoiner(kind);
  const groups = [...tags.flatMap((t) => j.push(t)), ...j.end()];
  return groups.map((g) => ({ from: g.members.map((m) => m.id), span: [g.joined.start_time, g.joined.end_time], text: g.joined.text }));
}

describe("joining tags across part boundaries (pure)", () => {
  it("cut: joins a shot cut by a boundary, never a measured cut, never within one part", () => {
    const a = tag("p0", 0, 4000, "shot");
    const b = tag("p0", 4000, 10_000, "shot", { scene_score: 0.8 });
    const c = tag("p1", 10_000, 13_000, "shot");
    const d = tag("p1", 13_000, 20_000, "shot", { scene_score: 0.9 });
    const e = tag("p2", 20_000, 25_000, "shot", { scene_score: 0.7 });
    expect(join("cut", [a, b, c, d, e])).toEqual([{ from: [b.id, c.id], span: [4000, 13_000], text: "shot" }]);
  });

  it("segment: the same text on consecutive frames is one segment; a gap or another text starts a new one", () => {
    const w1 = tag("p0", 41_000, 42_000, "TAGGER", { confidence: 0.6 });
    const other = tag("p0", 41_000, 42_000, "EXIT");
    const w2 = tag("p0", 42_000, 43_000, "TAGGER", { confidence: 0.9 });
    const w3 = tag("p1", 50_000, 51_000, "TAGGER");
    expect(join("segment", [w1, other, w2, w3])).toEqual([{ from: [w1.id, w2.id], span: [41_000, 43_000], text: "TAGGER" }]);
  });

  it("stretch: equal stretches touching at a boundary merge; different kinds and opted-out tags do not", () => {
    const s1 = tag("p0", 5000, 10_000, "silence");
    const s2 = tag("p1", 10_000, 10_600, "silence");
    const loud = tag("p1", 10_000, 12_000, "louder", { kind: "loud" });
    const i1 = tag("p0", 0, 10_000, "-23 LUFS", { kind: "integrated", boundary: "none" });
    const i2 = tag("p1", 10_000, 20_000, "-23 LUFS", { kind: "integrated", boundary: "none" });
    expect(join("stretch", [i1, s1, i2, s2, loud])).toEqual([{ from: [s1.id, s2.id], span: [5000, 10_600], text: "silence" }]);
  });

  it("joining again finds nothing more, and a joined tag keeps its id when a late piece is folded in", () => {
    const j = new TagJoiner("stretch");
    const [first] = [...[tag("p0", 0, 10_000, "black"), tag("p1", 10_000, 20_000, "black")].flatMap((t) => j.push(t)), ...j.end()];
    const again = new TagJoiner("stretch");
    expect([...again.push(first!.joined), ...again.end()]).toEqual([]);
    const late = new TagJoiner("stretch");
    const [folded] = [...late.push(first!.joined), ...late.push(tag("p2", 20_000, 25_000, "black")), ...late.end()];
    expect(folded!.joined).toMatchObject({ id: first!.joined.id, start_time: 0, end_time: 25_000 });
  });
});
