import { callerJob, jobResponse } from "../gateway/job-access";
import { storeAndLaunch } from "../gateway/launch";
import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { principalOf } from "../../auth/middleware";
import { chooseTenant } from "../../auth/principal";
import { seal } from "../../auth/secret-box";
import { requireReady } from "../../config/readiness";
import { db } from "../../db/client";
import { gatewayJobOf, type GatewayJobRow } from "../../db/gateway-jobs";
import { notFound, unauthorized } from "../../errors";
import { checkCreate, requireCompleted } from "../../gateway/checks";
import { engineJobsOf } from "../../gateway/job-view";
import { jobResource } from "../../gateway/resource";
import { modelProvider } from "../../gateway/selection";
import { groupState } from "../../gateway/status";
import { fileTokenJob, TEXT_INPUT_FILE, translatedDocument, translationResult, type TranslationOptions } from "../../gateway/translation";
import { fileKey } from "../../sources/registry";
import { prepareJob } from "../tagging/start-job";
import type { TranslationJob } from "./translations.schemas";
import type { createTranslation as CreateRoute, getGatewayFile as FileRoute, getTranslation as GetRoute, getTranslationResult as ResultRoute } from "./translations.routes";

/** The resource builder serves every job type; these rows were read as translations, so their resources are. */
const asTranslationJob = (resource: unknown) => resource as TranslationJob;

/**
 * POST /v1/translations: the text (kept in R2) or the document's URL becomes the `text` stream
 * of a hidden content of the caller's tenant (`gw-<id>`), and the `translate` model runs over
 * it as one engine job.
 */
export const createTranslationHandler: RouteHandler<typeof CreateRoute, AppEnv> = async (c) => {
  const p = await principalOf(c);
  requireReady(c.env);
  const { attributes: a, meta } = c.req.valid("json").data;
  const tenant = chooseTenant(p, c.req.valid("header")["x-tenant-id"], "X-Tenant-Id");
  await checkCreate(c.env, { input: a.input.type === "document" ? { url: a.input.url } : {}, ...(a.webhook ? { webhook: a.webhook } : {}) }, meta?.client, false);
  const options: TranslationOptions = a.options;
  const needs = [...(options.source_language === "auto" ? ["language_detection"] : []), ...(options.formality !== "default" ? ["formality"] : [])];
  const { chosen, pinned } = await modelProvider(c.env, "translate", "translations", a.provider, needs);

  const id = crypto.randomUUID();
  const now = Date.now();
  const qid = `gw-${id}`;
  const content = {
    qid,
    tenant_id: tenant,
    title: `Translation ${id}`,
    streams: { text: a.input.type === "text" ? { file: TEXT_INPUT_FILE } : { url: a.input.url } },
    assets: {},
    part_duration_ms: 60_000,
    origin: "gateway" as const,
    created_by: p.address,
    created_at: now,
    updated_at: now,
  };
  const prepared = await prepareJob(c.env, p, content, { live: false, unreadable: null }, { priority: options.priority }, {
    model: "translate",
    model_params: { target_language: a.input.target_language, source_language: options.source_language, ...(options.formality !== "default" ? { formality: options.formality } : {}) },
  });
  if (a.webhook) prepared.init.gateway_webhook_job = id;
  // A client that named its backend gets that backend, with no fallback elsewhere.
  if (pinned) prepared.init.providers = [chosen.config];
  const row: GatewayJobRow = {
    id,
    tenant_id: tenant,
    type: "translation-job",
    created_by: p.address,
    provider: chosen.name,
    input: JSON.stringify(a.input),
    options: JSON.stringify(options),
    webhook_url: a.webhook?.url ?? null,
    webhook_headers: a.webhook?.headers && Object.keys(a.webhook.headers).length ? await seal(c.env, tenant, JSON.stringify(a.webhook.headers)) : null,
    meta_client: meta?.client ? JSON.stringify(meta.client) : null,
    content_qid: qid,
    engine_jobs: JSON.stringify([{ feature: "translation", model: "translate", job_id: prepared.init.job_id, track: "translation" }]),
    created_at: now,
    feature_providers: null,
  };
  if (a.input.type === "text") await c.env.BUCKET.put(fileKey(qid, TEXT_INPUT_FILE), a.input.content, { httpMetadata: { contentType: "text/plain; charset=utf-8" } });
  await storeAndLaunch(c.env, content, row, [prepared]);
  c.header("Location", `/v1/translations/${id}`);
  return c.json(asTranslationJob(await jobResource(c.env, row, groupState([]))), 202);
};

export const getTranslationHandler: RouteHandler<typeof GetRoute, AppEnv> = async (c) => {
  const row = await callerJob(c.env, await principalOf(c), c.req.valid("param").id, "translation-job");
  return c.json(asTranslationJob(await jobResponse(c.env, row, c.req.valid("query").include)), 200);
};

export const getTranslationResultHandler: RouteHandler<typeof ResultRoute, AppEnv> = async (c) => {
  const row = await callerJob(c.env, await principalOf(c), c.req.valid("param").id, "translation-job");
  requireCompleted(groupState(await engineJobsOf(c.env, row)), `translation job ${row.id}`, (n, v) => c.header(n, v));
  return c.json(await translationResult(c.env, row), 200);
};

/** A translated document through its signed URL: the URL is the credential, so no token is asked for. */
export const getGatewayFileHandler: RouteHandler<typeof FileRoute, AppEnv> = async (c) => {
  const v = await fileTokenJob(c.env, c.req.valid("param").token);
  if (!v.ok) throw unauthorized(v.reason === "expired" ? "This download URL has expired: read the result again for a fresh one" : "This download URL is not valid");
  const row = await gatewayJobOf(db(c.env), v.job, "translation-job");
  if (!row) throw notFound("The translation no longer exists");
  requireCompleted(groupState(await engineJobsOf(c.env, row)), `translation job ${row.id}`, (n, val) => c.header(n, val));
  const doc = await translatedDocument(c.env, row);
  c.header("Content-Disposition", `attachment; filename="${doc.filename}"`);
  return c.body(doc.body, 200, { "content-type": doc.content_type });
};
