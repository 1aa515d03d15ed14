import { db } from "../../db/client";
import { gatewayJobById } from "../../db/gateway-jobs";
import { addEvent, eventsOf } from "../../db/webhooks";
import { isoTime } from "../../jobs/time";
import { gatewayJobView } from "../job-view";
import { deliverMessage } from "./messages";

/** The seed's event names: `transcription.progress`, `video-analysis.completed`, … */
const RESOURCE_EVENT = { "transcription-job": "transcription", "translation-job": "translation", "video-analysis-job": "video-analysis" } as const;

/** Progress events: when processing starts, then each time progress has grown by this much, at most this often. */
const PROGRESS_STEP = 10;
const PROGRESS_MIN_INTERVAL_MS = 2_000;

/**
 * Decides which events a gateway job's current state makes, and queues their delivery.
 * Called after every state its engine jobs write (and safe to call again): each event is kept
 * once by its dedupe key, `*.completed` / `*.failed` exactly once, no progress after either.
 * The payload is the job as GET shows it at this moment, plus the event's id and sequence.
 */
export async function evaluateGatewayJob(env: Env, gatewayJobId: string, now = Date.now()): Promise<number> {
  const row = await gatewayJobById(db(env), gatewayJobId);
  if (!row?.webhook_url) return 0;
  const { state, resource } = await gatewayJobView(env, row);
  const past = await eventsOf(db(env), row.id);
  if (past.some((e) => e.dedupe_key === "terminal")) return 0;
  const name = RESOURCE_EVENT[row.type];

  let event: { event: string; dedupe_key: string } | null = null;
  if (state.status === "completed" || state.status === "failed") event = { event: `${name}.${state.status}`, dedupe_key: "terminal" };
  else if (state.status === "processing") {
    const step = Math.floor(state.progress / PROGRESS_STEP) * PROGRESS_STEP;
    const lastProgress = past.find((e) => e.dedupe_key.startsWith("progress:"));
    const lastStep = lastProgress ? Number(lastProgress.dedupe_key.slice("progress:".length)) : -PROGRESS_STEP;
    if (!lastProgress || (step >= lastStep + PROGRESS_STEP && now - lastProgress.created_at >= PROGRESS_MIN_INTERVAL_MS)) {
      event = { event: `${name}.progress`, dedupe_key: `progress:${lastProgress ? step : 0}` };
    }
  }
  if (!event) return 0;

  const eventId = `evt_${crypto.randomUUID().replaceAll("-", "")}`;
  const sequence = (past[0]?.sequence ?? 0) + 1;
  const body = JSON.stringify({ event: event.event, data: resource.data, meta: { event_id: eventId, sequence, occurred_at: isoTime(now) } });
  const added = await addEvent(db(env), { event_id: eventId, gateway_job_id: row.id, tenant_id: row.tenant_id, event: event.event, dedupe_key: event.dedupe_key, sequence, body, created_at: now });
  if (!added) return 0;
  await env.WEBHOOKS.send(deliverMessage(eventId));
  return 1;
}
