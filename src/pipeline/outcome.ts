/** What to do with a queue message once handled. */
export type Outcome = { kind: "ack" } | { kind: "retry"; delaySeconds: number };
