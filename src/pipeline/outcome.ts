import type { JobInit } from "../contract/job";
import type { PartMessage } from "../contract/queue";

/** A part the runner handed to this consumer, with its job's parameters (the part's job is the one just claimed). */
export interface HandedPart {
  message: PartMessage;
  init: JobInit;
}

/**
 * What to do with a queue message once handled. `next`: a part of the same job its runner handed
 * to this consumer to run at once (the pull loop; see consumer.ts).
 */
export type Outcome = { kind: "ack"; next?: HandedPart | null } | { kind: "retry"; delaySeconds: number };
