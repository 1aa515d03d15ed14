import type { PartMessage } from "../contract/queue";

/**
 * What to do with a queue message once handled. `next`: a part of the same job its runner handed
 * to this consumer to run at once (the pull loop; see consumer.ts).
 */
export type Outcome = { kind: "ack"; next?: PartMessage | null } | { kind: "retry"; delaySeconds: number };
