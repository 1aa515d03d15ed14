import type { JobInit } from "../contract/job";
import { DEFAULT_TIMEOUT_S, SLOT_WAIT_MS } from "../providers/types";

/** How long a part may take on top of its providers' timeouts (queue delay, fetching). */
const PART_SLACK_MS = 20_000;

/** When a dispatched part's result is overdue: it may wait for a slot, then try each provider in turn. */
export function partTimeoutMs(init: JobInit): number {
  const calls = init.providers.reduce((sum, p) => sum + (p.timeout_s ?? DEFAULT_TIMEOUT_S) * 1000, 0);
  return SLOT_WAIT_MS + calls + PART_SLACK_MS;
}
