import { callerJob, jobResponse } from "./job-access";
import { storeAndLaunch } from "./launch";
import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { principalOf } from "../../auth/middleware";
import { chooseTenant } from "../../auth/principal";
import { seal } from "../../auth/secret-box";
import { requireReady } from "../../config/readiness";
import type { GatewayJobRow } from "../../db/gateway-jobs";
import { engineJobsOf } from "../../gateway/job-view";
import { jobResource, transcriptionResult, type TranscriptionOptions } from "../../gateway/resource";
import { groupState } from "../../gateway/status";
import { readTranscript, subtitles } from "../../gateway/transcript";
import { checkCreate, requireCompleted } from "../../gateway/checks";
import { modelProvider } from "../../gateway/selection";
import { prepareJob } from "../tagging/start-job";
import type { TranscriptionJob } from "./gateway.schemas";
import type { createTranscription as CreateRoute, getTranscription as GetRoute, getTranscriptionResult as ResultRoute, listGatewayProviders as ProvidersRoute } from "./gateway.routes";
import { gatewayProviders } from "../../gateway/providers-list";

/** The language when the client gives none: detected where the provider can, else the deployment's default. */
const DEFAULT_LANGUAGE = "en-US";

/**
 * POST /v1/transcriptions: the media becomes a hidden content of the caller's tenant
 * (`gw-<id>`, not listed in /contents) and the speech-to-text model runs over it as an engine
 * job. The gateway job is that group; its status is read from the engine job.
 */
export const createTranscriptionHandler: RouteHandler<typeof CreateRoute, AppEnv> = async (c) => {
  const p = await principalOf(c);
  requireReady(c.env);
  const { attributes: a, meta } = c.req.valid("json").data;
  const tenant = chooseTenant(p, c.req.valid("header")["x-tenant-id"], "X-Tenant-Id");
  await checkCreate(c.env, a, meta?.client, a.input.type === "video");
  const needs = [...(a.options.diarization ? ["diarization"] : []), ...(a.options.language === "auto" ? ["language_detection"] : [])];
  const { chosen, pinned } = await modelProvider(c.env, "asr", "transcriptions", a.provider, needs);
  const provider = chosen.name;

  const id = crypto.randomUUID();
  const now = Date.now();
  const content = {
    qid: `gw-${id}`,
    tenant_id: tenant,
    title: `Transcription ${id}`,
    streams: { audio: { url: a.input.url } },
    assets: {},
    part_duration_ms: 60_000,
    origin: "gateway" as const,
    created_by: p.address,
    created_at: now,
    updated_at: now,
  };
  const options: TranscriptionOptions = { ...a.options, language: a.options.language ?? (chosen.features.includes("language_detection") ? "auto" : DEFAULT_LANGUAGE) };
  const language = options.language === "auto" ? null : options.language.slice(0, 2).toLowerCase();
  const prepared = await prepareJob(c.env, p, content, { live: false, unreadable: null }, { priority: options.priority }, { model: "asr", model_params: language ? { language } : {} });
  if (a.webhook) prepared.init.gateway_webhook_job = id;
  // A client that named its backend gets that backend, with no fallback elsewhere.
  if (pinned) prepared.init.providers = [chosen.config];
  const sealedHeaders = a.webhook?.headers && Object.keys(a.webhook.headers).length ? await seal(c.env, tenant, JSON.stringify(a.webhook.headers)) : null;
  const row: GatewayJobRow = {
    id,
    tenant_id: tenant,
    type: "transcription-job",
    created_by: p.address,
    provider,
    input: JSON.stringify(a.input),
    options: JSON.stringify(options),
    webhook_url: a.webhook?.url ?? null,
    webhook_headers: sealedHeaders,
    meta_client: meta?.client ? JSON.stringify(meta.client) : null,
    content_qid: content.qid,
    engine_jobs: JSON.stringify([{ feature: "speech_to_text", model: "asr", job_id: prepared.init.job_id, track: "speech_to_text" }]),
    created_at: now,
    feature_providers: null,
  };
  await storeAndLaunch(c.env, content, row, [prepared]);
  c.header("Location", `/v1/transcriptions/${id}`);
  return c.json(asTranscriptionJob(await jobResource(c.env, row, groupState([]))), 202);
};

export const getTranscriptionHandler: RouteHandler<typeof GetRoute, AppEnv> = async (c) => {
  const row = await callerJob(c.env, await principalOf(c), c.req.valid("param").id, "transcription-job");
  return c.json(asTranscriptionJob(await jobResponse(c.env, row, c.req.valid("query").include)), 200);
};

/** The resource builder serves every job type; this row was read as a transcription job, so its resource is one. */
const asTranscriptionJob = (resource: unknown) => resource as TranscriptionJob;

export const getTranscriptionResultHandler: RouteHandler<typeof ResultRoute, AppEnv> = async (c) => {
  const row = await callerJob(c.env, await principalOf(c), c.req.valid("param").id, "transcription-job");
  const state = groupState(await engineJobsOf(c.env, row));
  const options = JSON.parse(row.options) as TranscriptionOptions;
  requireCompleted(state, `transcription job ${row.id}`, (n, v) => c.header(n, v));
  const format = c.req.valid("query").format ?? options.format;
  const transcript = await readTranscript(c.env, { tenant: row.tenant_id, qid: row.content_qid });
  if (format === "json") return c.json(transcriptionResult({ ...options, format }, transcript), 200);
  c.header("Content-Disposition", `inline; filename="${row.id}.${format}"`);
  return c.body(subtitles(transcript.segments, format), 200, { "content-type": `text/${format}; charset=utf-8` });
};

export const listGatewayProvidersHandler: RouteHandler<typeof ProvidersRoute, AppEnv> = async (c) => {
  await principalOf(c);
  return c.json(await gatewayProviders(c.env), 200);
};
