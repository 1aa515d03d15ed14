import type { JobRow } from "../db/schema";

/** The seed's job states. A cancelled job is `failed` with the code CANCELLED (the seed has no cancelled state). */
export type GatewayStatus = "pending" | "processing" | "completed" | "failed";

export interface GroupState {
  status: GatewayStatus;
  progress: number;
  processed_at: number | null;
  completed_at: number | null;
  error: { code: string; message: string } | null;
}

/** What an engine job's end means as a gateway job error code (docs/gateway.md lists them). */
export function errorOf(row: JobRow): { code: string; message: string } {
  if (row.status === "cancelled") return { code: "CANCELLED", message: "The job was cancelled" };
  const message = row.error ?? row.last_warning ?? "The job failed";
  if (row.status_reason === "source_unreachable" || /^Failed to (list parts|download part)/.test(message)) return { code: "MEDIA_UNREACHABLE", message };
  if (row.status_reason === "model_failed") return { code: "PROVIDER_ERROR", message };
  return { code: "INTERNAL_ERROR", message };
}

/**
 * A gateway job's state from its engine jobs: pending until one is running, failed with the
 * first failure, completed when all succeeded with something tagged. A job that "succeeded"
 * without a single part tagged read no media: that is MEDIA_UNREACHABLE, not an empty result.
 * Progress: each engine job's (0.3·downloaded + 0.7·tagged) / total, averaged, scaled to 95 %
 * while processing (the rest is assembling the result); 100 only when completed.
 */
export function groupState(rows: JobRow[]): GroupState {
  const started = rows.map((r) => r.started_at).filter((t): t is number => t !== null);
  const processed_at = started.length ? Math.min(...started) : null;
  const ended = rows.map((r) => r.ended_at ?? r.status_changed).filter((t): t is number => t !== null && t !== undefined);
  const endedAt = ended.length ? Math.max(...ended) : null;
  const fraction = (r: JobRow) => (r.status === "succeeded" ? 1 : r.total_parts ? (0.3 * r.downloaded_parts + 0.7 * r.tagged_parts) / r.total_parts : 0);
  const progress = rows.length ? Math.min(99, Math.floor((95 * rows.reduce((t, r) => t + fraction(r), 0)) / rows.length)) : 0;
  const failed = rows.find((r) => r.status === "failed" || r.status === "cancelled");
  if (failed) return { status: "failed", progress, processed_at, completed_at: endedAt, error: errorOf(failed) };
  const empty = rows.find((r) => r.status === "succeeded" && r.total_parts > 0 && r.tagged_parts === 0);
  if (empty && rows.every((r) => r.status === "succeeded")) {
    return { status: "failed", progress, processed_at, completed_at: endedAt, error: { code: "MEDIA_UNREACHABLE", message: empty.last_warning ?? "No part of the media could be read" } };
  }
  if (rows.length > 0 && rows.every((r) => r.status === "succeeded")) return { status: "completed", progress: 100, processed_at, completed_at: endedAt, error: null };
  if (processed_at !== null || rows.some((r) => r.status === "running")) return { status: "processing", progress, processed_at, completed_at: null, error: null };
  return { status: "pending", progress: 0, processed_at: null, completed_at: null, error: null };
}

/**
 * A video analysis's state: its features run as separate engine jobs, and a feature that fails
 * does not take the others down (Google Video Intelligence reports per feature too). Completed
 * once every job has ended with at least one succeeding, with the failed ones in `failed`;
 * failed only when all failed (ALL_FEATURES_FAILED, or the media's own error when that is
 * what they share) or the job was cancelled.
 */
export function analysisState(rows: JobRow[]): GroupState & { failed: JobRow[] } {
  const base = groupState(rows);
  const ended = rows.length > 0 && rows.every((r) => r.status === "succeeded" || r.status === "failed" || r.status === "cancelled");
  if (!ended) return { ...base, ...(base.status === "failed" ? { status: "processing" as const, error: null, completed_at: null } : {}), failed: [] };
  const cancelled = rows.find((r) => r.status === "cancelled");
  if (cancelled) return { ...base, status: "failed", error: errorOf(cancelled), failed: [] };
  const failed = rows.filter((r) => r.status === "failed" || r.total_parts === 0 || r.tagged_parts === 0);
  if (failed.length < rows.length) return { ...base, status: "completed", progress: 100, error: null, failed };
  const errors = failed.map(errorOf);
  const shared = errors.every((e) => e.code === errors[0]!.code) && errors[0]!.code === "MEDIA_UNREACHABLE";
  const error = shared ? errors[0]! : { code: "ALL_FEATURES_FAILED", message: `Every requested feature failed: ${errors.map((e) => e.message).join("; ")}` };
  return { ...base, status: "failed", error, failed };
}
