import { describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/pipeline/group-commit";

/** A runner whose groups are recorded and which answers each item doubled, after `gate` opens. */
function recorder(fail: (items: number[]) => boolean = () => false) {
  const groups: number[][] = [];
  let open: () => void = () => undefined;
  let gate = new Promise<void>((r) => (open = r));
  const run = async (items: number[]) => {
    groups.push(items);
    await gate;
    if (fail(items)) throw new Error(`group ${items.join(",")} failed`);
    return items.map((i) => i * 2);
  };
  return {
    groups,
    run,
    release() {
      open();
      gate = new Promise<void>((r) => (open = r));
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("GroupCommit", () => {
  it("runs a lone item at once, and the items that arrive meanwhile together as the next group, each with its own answer", async () => {
    const r = recorder();
    const g = new GroupCommit(r.run);
    const first = g.submit(1);
    await tick();
    expect(r.groups).toEqual([[1]]);
    const later = [g.submit(2), g.submit(3), g.submit(4)];
    await tick();
    expect(r.groups).toEqual([[1]]);
    r.release();
    expect(await first).toBe(2);
    await tick();
    expect(r.groups).toEqual([[1], [2, 3, 4]]);
    r.release();
    expect(await Promise.all(later)).toEqual([4, 6, 8]);
    // Idle again: the next item goes at once, alone.
    const next = g.submit(5);
    await tick();
    expect(r.groups.at(-1)).toEqual([5]);
    r.release();
    expect(await next).toBe(10);
  });

  it("bounds a group at maxGroup items", async () => {
    const r = recorder();
    const g = new GroupCommit(r.run, 2);
    const all = [1, 2, 3, 4, 5].map((i) => g.submit(i));
    for (let i = 0; i < 4; i++) {
      await tick();
      r.release();
    }
    expect(await Promise.all(all)).toEqual([2, 4, 6, 8, 10]);
    expect(r.groups).toEqual([[1], [2, 3], [4, 5]]);
  });

  it("runs a failed group again item by item, so only the bad item fails and the others get their answers", async () => {
    const r = recorder((items) => items.includes(3));
    const g = new GroupCommit(r.run);
    const first = g.submit(1);
    const rest = [2, 3, 4].map((i) => g.submit(i).then((v) => ({ ok: v }), (e: Error) => ({ error: e.message })));
    r.release();
    expect(await first).toBe(2);
    for (let i = 0; i < 3; i++) {
      await tick();
      r.release();
    }
    expect(await Promise.all(rest)).toEqual([{ ok: 4 }, { error: "group 3 failed" }, { ok: 8 }]);
    expect(r.groups).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
    // The grouper goes on after a failure.
    const after = g.submit(6);
    await tick();
    r.release();
    expect(await after).toBe(12);
  });
});
