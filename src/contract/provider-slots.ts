/** What the Worker and a ProviderState object exchange about one provider. */

/** What GET /providers shows of one provider. */
export interface ProviderHealth {
  status: "ok" | "degraded" | "down";
  in_flight: number;
  last_success_at: number | null;
  last_error_at: number | null;
  last_error: string | null;
  /** Calls and failures over the last WINDOW_MINUTES minutes. */
  calls: number;
  errors: number;
  error_rate: number;
  window_minutes: number;
  consecutive_failures: number;
  /** While down: when the next trial call is allowed. */
  retry_at: number | null;
}

/** A slot at the provider, or why not. */
export type Acquired = { granted: true } | { granted: false; reason: "down" | "busy"; retry_at: number | null };

/**
 * One slot operation of a group (ProviderState.apply): what acquire (without waiting), finish
 * and release do, for several parts in one round trip.
 */
export type SlotOp =
  | { op: "acquire"; lease: string; limit: number; leaseMs: number; cooldownMs: number; lastResort: boolean; rank: number; use: SlotUse }
  | { op: "finish"; lease: string; outcome: CallOutcome; cooldownMs: number }
  | { op: "release"; lease: string };

/** How one call went, for the circuit breaker and the health figures. */
export interface CallOutcome {
  ok: boolean;
  /** Failures that say nothing about the provider's health (a 4xx for one part) do not count. */
  counts: boolean;
  error?: string;
}

/** Whose part a slot is for, so waits and load can be told per tenant and model (GET /queues). */
export interface SlotUse {
  tenant: string;
  model: string;
  /** When the part was sent to run (epoch ms): the wait is from here to the slot. */
  queued_at: number;
}

/** One tenant's use of one model at a provider: now, and over the last QUEUE_WINDOW_MINUTES. */
export interface ModelLoad {
  tenant: string;
  model: string;
  /** Parts holding a slot now. */
  in_flight: number;
  /** Parts in line for a slot now. */
  waiting: number;
  /** Slots granted in the window, the sum of their waits, and the longest wait (in the window or in line now). */
  started: number;
  wait_sum_ms: number;
  oldest_wait_ms: number;
  /** Calls that ended in the window: answered, or failed in a way that counts against the provider. */
  completed: number;
  errors: number;
}

export const QUEUE_WINDOW_MINUTES = 5;
