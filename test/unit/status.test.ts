import { describe, expect, it } from "vitest";
import { progressOf, tagStatusOf, taggingProgressOf, statusFromFilter } from "../../src/jobs/status";
import { formatTimeRan } from "../../src/jobs/time";
import { alignTag } from "../../src/tagstore/align";
import { timeGrid, overlapsWindow } from "../../src/jobs/parts";

describe("status and progress formulas", () => {
  it("progress = (0.3·downloaded + 0.7·tagged) / total, 1 when nothing is in scope or succeeded", () => {
    expect(progressOf("running", { total: 214, downloaded: 150, tagged: 120 })).toBeCloseTo((0.3 * 150 + 0.7 * 120) / 214, 4);
    expect(progressOf("running", { total: 0, downloaded: 0, tagged: 0 })).toBe(1);
    expect(progressOf("succeeded", { total: 10, downloaded: 5, tagged: 4 })).toBe(1);
    expect(progressOf("queued", { total: 0, downloaded: 0, tagged: 0 })).toBe(0);
    expect(taggingProgressOf({ total: 214, downloaded: 150, tagged: 120 })).toBe("120/214");
  });

  it("names what the job is doing in the anchor's words", () => {
    expect(tagStatusOf("queued", { total: 0, downloaded: 0, tagged: 0 })).toBe("Queued");
    expect(tagStatusOf("running", { total: 4, downloaded: 2, tagged: 1 })).toBe("Fetching content");
    expect(tagStatusOf("running", { total: 4, downloaded: 4, tagged: 1 })).toBe("Tagging content");
    expect(tagStatusOf("succeeded", { total: 4, downloaded: 4, tagged: 4 })).toBe("Completed");
    expect(tagStatusOf("cancelled", { total: 4, downloaded: 4, tagged: 1 })).toBe("Stopped");
    expect(tagStatusOf("failed", { total: 4, downloaded: 4, tagged: 1 })).toBe("Failed");
    expect(statusFromFilter("completed")).toBe("succeeded");
    expect(statusFromFilter("stopped")).toBe("cancelled");
  });

  it("formats time_ran like the anchor: no padding, hours not wrapped", () => {
    expect(formatTimeRan(3600)).toBe("1h 0m 0s");
    expect(formatTimeRan(59.9)).toBe("0h 0m 59s");
    expect(formatTimeRan(90061)).toBe("25h 1m 1s");
    expect(formatTimeRan(-5)).toBe("0h 0m 0s");
  });
});

describe("tag alignment", () => {
  it("adds the part's offset and shifts frame indexes by offset_s × fps", () => {
    const t = alignTag({ start_time: 1200.4, end_time: 1500, text: "x", frame_info: { frame_idx: 3, box: { x1: 0, y1: 0, x2: 1, y2: 1 } } }, { start_ms: 30_000 }, "ocr", 2);
    expect(t).toEqual({ track: "ocr", start_time: 31_200, end_time: 31_500, text: "x", frame_info: { frame_idx: 63, box: { x1: 0, y1: 0, x2: 1, y2: 1 } }, additional_info: null });
    expect(alignTag({ start_time: 5, end_time: 1, text: "y", track: "other" }, { start_ms: 0 }, "ocr").end_time).toBe(5);
    expect(alignTag({ start_time: 0, end_time: 0, text: "y", track: "other" }, { start_ms: 0 }, "ocr").track).toBe("other");
  });
});

describe("time parts", () => {
  it("cuts a fixed grid and selects parts overlapping a window", () => {
    expect(timeGrid(65_000, 30_000)).toEqual([{ start: 0, end: 30_000 }, { start: 30_000, end: 60_000 }, { start: 60_000, end: 65_000 }]);
    expect(timeGrid(65_000, 30_000, 40_000, 50_000)).toEqual([{ start: 30_000, end: 60_000 }]);
    expect(overlapsWindow(4000, 4000, 4, 8)).toBe(true);
    expect(overlapsWindow(8000, 4000, 4, 8)).toBe(false);
    expect(overlapsWindow(0, 4000, 4, null)).toBe(false);
  });
});
