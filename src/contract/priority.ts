/** A job's priority (the AI Gateway's `priority`; `options.priority` on the Tagger API). */
export type Priority = "low" | "standard" | "high";
export const PRIORITIES = ["low", "standard", "high"] as const satisfies readonly Priority[];

/** A waiting part's place in line at a busy provider: higher first. */
export const priorityRank = (p: Priority | undefined) => (p === "high" ? 2 : p === "low" ? 0 : 1);
