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

/** How one call went, for the circuit breaker and the health figures. */
export interface CallOutcome {
  ok: boolean;
  /** Failures that say nothing about the provider's health (a 4xx for one part) do not count. */
  counts: boolean;
  error?: string;
}
