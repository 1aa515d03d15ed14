import { z } from "zod";

/**
 * Messages of the `webhooks` queue. `evaluate`: a gateway job's engine jobs changed, decide
 * which events that makes; `deliver`: post one event. Both are safe to receive twice.
 */
export const webhookMessageSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("evaluate"), gateway_job_id: z.string().min(1) }),
  z.object({ kind: z.literal("deliver"), event_id: z.string().min(1) }),
]);
export type WebhookMessage = z.infer<typeof webhookMessageSchema>;

export const evaluateMessage = (gateway_job_id: string): WebhookMessage => ({ kind: "evaluate", gateway_job_id });
export const deliverMessage = (event_id: string): WebhookMessage => ({ kind: "deliver", event_id });
