/** The seed's JobStatus enum; what D1 stores and `/job-status` returns. */
export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const ACTIVE_STATUSES: readonly JobStatus[] = ["queued", "running"];
export const TERMINAL_STATUSES: readonly JobStatus[] = ["succeeded", "failed", "cancelled"];

/** Why a job is in its status: a machine code beside the status (ClearML's status reasons). */
export const STATUS_REASONS = [
  "waiting_for_plan", "tagging", "completed", "nothing_to_tag", "stream_ended", "max_duration_reached",
  "stopped_by_user", "source_unreachable", "model_failed", "plan_timed_out", "runner_lost",
] as const;
export type StatusReason = (typeof STATUS_REASONS)[number];

/** The reason a status has when nothing more specific was recorded (rows from before reasons were kept). */
export function defaultReason(status: JobStatus): StatusReason {
  switch (status) {
    case "queued":
      return "waiting_for_plan";
    case "running":
      return "tagging";
    case "succeeded":
      return "completed";
    case "cancelled":
      return "stopped_by_user";
    default:
      return "model_failed";
  }
}

/** Queued or running: the pair's one active job. */
export function isActive(status: JobStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

/** ACTIVE_STATUSES as an SQL list, for `status IN (…)`. */
export const ACTIVE_STATUSES_SQL = ACTIVE_STATUSES.map((s) => `'${s}'`).join(", ");

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** `/job-status?status=` also takes the seed's filter words. */
export const STATUS_FILTER_VALUES = [...JOB_STATUSES, "completed", "stopped"] as const;
export function statusFromFilter(value: (typeof STATUS_FILTER_VALUES)[number]): JobStatus {
  if (value === "completed") return "succeeded";
  if (value === "stopped") return "cancelled";
  return value;
}

export type TagStatus = "Queued" | "Fetching content" | "Tagging content" | "Completed" | "Failed" | "Stopped";

export interface ProgressCounters {
  total: number;
  downloaded: number;
  tagged: number;
}

/** progress = (0.3·downloaded + 0.7·tagged) / total; 1.0 when nothing is in scope or the job succeeded. */
export function progressOf(status: JobStatus, c: ProgressCounters): number {
  if (status === "succeeded" || c.total === 0) return status === "queued" ? 0 : 1;
  const p = (0.3 * c.downloaded + 0.7 * c.tagged) / c.total;
  return Math.min(1, Math.round(p * 10000) / 10000);
}

export function taggingProgressOf(c: ProgressCounters): string {
  return `${c.tagged}/${c.total}`;
}

/** What the job is doing, in the anchor's words. */
export function tagStatusOf(status: JobStatus, c: ProgressCounters): TagStatus {
  switch (status) {
    case "queued":
      return "Queued";
    case "succeeded":
      return "Completed";
    case "failed":
      return "Failed";
    case "cancelled":
      return "Stopped";
    case "running":
      return c.downloaded < c.total ? "Fetching content" : "Tagging content";
  }
}

/** The anchor reports the final status of a job's run in its report in these words. */
export function reportStatusOf(status: JobStatus): string {
  return { queued: "Queued", running: "Running", succeeded: "Completed", failed: "Failed", cancelled: "Stopped" }[status];
}
