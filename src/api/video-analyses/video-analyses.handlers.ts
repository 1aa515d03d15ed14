import { callerJob, jobResponse } from "../gateway/job-access";
import { storeAndLaunch } from "../gateway/launch";
import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { principalOf } from "../../auth/middleware";
import { chooseTenant } from "../../auth/principal";
import { seal } from "../../auth/secret-box";
import { requireReady } from "../../config/readiness";
import type { GatewayJobRow } from "../../db/gateway-jobs";
import { checkCreate, requireCompleted } from "../../gateway/checks";
import { engineJobsOf, stateOf } from "../../gateway/job-view";
import { jobResource } from "../../gateway/resource";
import { chooseProviders, type FeatureChoice } from "../../gateway/selection";
import { groupState } from "../../gateway/status";
import { analysisResult, type AnalysisOptions, type FeatureJob } from "../../gateway/video-analysis";
import { prepareJob } from "../tagging/start-job";
import type { VideoAnalysisJob } from "./video-analyses.schemas";
import type { createVideoAnalysis as CreateRoute, getVideoAnalysis as GetRoute, getVideoAnalysisResult as ResultRoute } from "./video-analyses.routes";

/** Parts of a video analysis's content: frame and shot models see 30 s at a time. */
const ANALYSIS_PART_MS = 30_000;

/** The resource builder serves every job type; these rows were read as video analyses, so their resources are. */
const asVideoAnalysisJob = (resource: unknown) => resource as VideoAnalysisJob;

/**
 * POST /v1/video-analyses: the video becomes a hidden content of the caller's tenant
 * (`gw-<id>`), and each model that serves a requested feature runs over it as one engine job
 * (features of one model share its job). The gateway job is that group.
 */
export const createVideoAnalysisHandler: RouteHandler<typeof CreateRoute, AppEnv> = async (c) => {
  const p = await principalOf(c);
  requireReady(c.env);
  const { attributes: a, meta } = c.req.valid("json").data;
  const tenant = chooseTenant(p, c.req.valid("header")["x-tenant-id"], "X-Tenant-Id");
  await checkCreate(c.env, a, meta?.client, true);
  const features = [...new Set(a.input.features)];
  const choices = await chooseProviders(c.env, "video-analyses", features, a.provider);
  const options: AnalysisOptions = a.options;

  const id = crypto.randomUUID();
  const now = Date.now();
  const content = {
    qid: `gw-${id}`,
    tenant_id: tenant,
    title: `Video analysis ${id}`,
    streams: { video: { url: a.input.url }, audio: { url: a.input.url } },
    assets: {},
    part_duration_ms: ANALYSIS_PART_MS,
    origin: "gateway" as const,
    created_by: p.address,
    created_at: now,
    updated_at: now,
  };
  const byModel = new Map<string, FeatureChoice>();
  for (const choice of choices) if (!byModel.has(choice.model.name)) byModel.set(choice.model.name, choice);
  const language = options.language === "auto" ? null : options.language.slice(0, 2).toLowerCase();
  const prepared = new Map<string, Awaited<ReturnType<typeof prepareJob>>>();
  for (const [name, choice] of byModel) {
    const job = await prepareJob(c.env, p, content, { live: false, unreadable: null }, { priority: options.priority }, { model: name, model_params: name === "asr" && language ? { language } : {} });
    if (a.webhook) job.init.gateway_webhook_job = id;
    // A client that named its backend gets that backend, with no fallback elsewhere.
    if (a.provider && a.provider !== "auto") job.init.providers = [choice.config];
    prepared.set(name, job);
  }
  const engineJobs: FeatureJob[] = choices.map((ch) => ({ feature: ch.feature, model: ch.model.name, job_id: prepared.get(ch.model.name)!.init.job_id, track: ch.model.tag_tracks[0]!.name }));
  const providers = [...new Set(choices.map((ch) => ch.provider))];
  const row: GatewayJobRow = {
    id,
    tenant_id: tenant,
    type: "video-analysis-job",
    created_by: p.address,
    provider: providers.length === 1 ? providers[0]! : "auto",
    input: JSON.stringify(a.input),
    options: JSON.stringify(options),
    webhook_url: a.webhook?.url ?? null,
    webhook_headers: a.webhook?.headers && Object.keys(a.webhook.headers).length ? await seal(c.env, tenant, JSON.stringify(a.webhook.headers)) : null,
    meta_client: meta?.client ? JSON.stringify(meta.client) : null,
    content_qid: content.qid,
    engine_jobs: JSON.stringify(engineJobs),
    created_at: now,
    feature_providers: JSON.stringify(Object.fromEntries(choices.map((ch) => [ch.feature, ch.provider]))),
  };
  await storeAndLaunch(c.env, content, row, prepared.values());
  c.header("Location", `/v1/video-analyses/${id}`);
  return c.json(asVideoAnalysisJob(await jobResource(c.env, row, groupState([]), undefined, [], { feature_providers: JSON.parse(row.feature_providers!) as Record<string, string> })), 202);
};

export const getVideoAnalysisHandler: RouteHandler<typeof GetRoute, AppEnv> = async (c) => {
  const row = await callerJob(c.env, await principalOf(c), c.req.valid("param").id, "video-analysis-job");
  return c.json(asVideoAnalysisJob(await jobResponse(c.env, row, c.req.valid("query").include)), 200);
};

export const getVideoAnalysisResultHandler: RouteHandler<typeof ResultRoute, AppEnv> = async (c) => {
  const row = await callerJob(c.env, await principalOf(c), c.req.valid("param").id, "video-analysis-job");
  const state = stateOf(row, await engineJobsOf(c.env, row));
  requireCompleted(state, `video analysis job ${row.id}`, (n, v) => c.header(n, v));
  return c.json(await analysisResult(c.env, row, new Set(state.failed.map((f) => f.id))), 200);
};
