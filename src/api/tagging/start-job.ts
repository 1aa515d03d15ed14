import type { LiveCheck } from "../../sources/liveness";
import type { JsonObject } from "../../contract/json";
import type { Principal } from "../../auth/principal";
import { isMember } from "../../auth/principal";
import { db } from "../../db/client";
import type { Content } from "../../db/contents";
import { getContent } from "../../db/contents";
import { badRequest, forbidden } from "../../errors";
import { effectiveOptions, type ContentFacts, type OptionsInput } from "../../jobs/options";
import type { JobInit, TagArgs } from "../../contract/job";
import { findModel, runnableProviders, unavailableReason } from "../../providers/catalog";
import { providersOf } from "../../providers/identity";
import { declaredParamsError } from "../../providers/params";
import { DEFAULT_CONCURRENCY } from "../../providers/types";
import { MAX_MODEL_PARAMS_BYTES } from "../../limits";
import { runnerFor } from "../../contract/runner";

export interface JobRequest {
  model: string;
  model_params?: Record<string, unknown>;
  overrides?: OptionsInput;
}

const contentFacts = (c: Content, live: LiveCheck): ContentFacts => ({
  qid: c.qid,
  live: live.live,
  live_unreadable: live.unreadable,
  streams: Object.entries(c.streams).map(([name, s]) => ({ name, ...(s.language ? { language: s.language } : {}), ...(s.channels ? { channels: s.channels } : {}) })),
});

/** Validates one requested job and builds what its runner needs; throws 400/403 for a request that cannot run. */
export async function prepareJob(
  env: Env,
  principal: Principal,
  content: Content,
  live: LiveCheck,
  options: OptionsInput | undefined,
  job: JobRequest,
): Promise<{ init: JobInit; unavailable: string | null }> {
  const model = await findModel(env, db(env), job.model);
  if (!model) throw badRequest(`Model ${job.model} not found`, "MODEL_NOT_FOUND");
  const runConfig = { ...(model.default_params ?? {}), ...(job.model_params ?? {}) };
  if (JSON.stringify(runConfig).length > MAX_MODEL_PARAMS_BYTES) {
    throw badRequest(`model_params with the model's defaults are more than ${MAX_MODEL_PARAMS_BYTES} bytes as JSON`, "INVALID_MODEL_PARAMS");
  }
  if (model.params_schema) {
    const bad = declaredParamsError(model.params_schema, runConfig);
    if (bad) throw badRequest(`Invalid model_params for ${model.name}: ${bad}`, "INVALID_MODEL_PARAMS");
  }
  const runnable = runnableProviders(env, model);
  const eff = effectiveOptions({ name: model.name, type: model.type }, contentFacts(content, live), options, job.overrides);
  if (eff.scope.type === "assets") {
    const missing = (eff.scope.assets ?? []).filter((a) => !content.assets[a]);
    if (missing.length) throw badRequest(`Asset ${missing[0]} not found in content ${content.qid}`);
    if (!eff.scope.assets && Object.keys(content.assets).length === 0) throw badRequest(`Content ${content.qid} has no image assets`);
  }
  // Every destination named (in options or in the job's overrides) must be writable by the caller.
  let targetTenant = content.tenant_id;
  if (eff.destination_qid && eff.destination_qid !== content.qid) {
    const dest = await getContent(db(env), eff.destination_qid);
    if (!dest || !isMember(principal, dest.tenant_id)) throw forbidden(`You cannot write to destination content ${eff.destination_qid}`);
    targetTenant = dest.tenant_id;
  }
  const params: TagArgs = {
    feature: model.name,
    // Parsed from the JSON body and the catalog (JSON), so JSON by construction.
    run_config: runConfig as JsonObject,
    scope: eff.scope,
    replace: eff.replace,
    destination_qid: eff.destination_qid,
    max_fetch_retries: eff.max_fetch_retries,
  };
  const init: JobInit = {
    job_id: crypto.randomUUID(),
    qid: content.qid,
    model: model.name,
    model_type: model.type,
    stream: "stream" in eff.scope ? eff.scope.stream : "assets",
    tenant_id: content.tenant_id,
    user: principal.address,
    title: content.title,
    target_qid: eff.destination_qid || content.qid,
    target_tenant_id: targetTenant,
    params,
    tracks: model.tag_tracks,
    // Providers this deployment cannot run (Workers AI without its bindings) are left out, so a
    // model with an offline fallback goes straight to it.
    providers: runnable.length ? runnable : providersOf(model),
    concurrency: model.provider.concurrency ?? DEFAULT_CONCURRENCY,
    created_at: Date.now(),
    boundary: model.boundary ?? "none",
    ...(options?.priority && options.priority !== "standard" ? { priority: options.priority } : {}),
  };
  return { init, unavailable: unavailableReason(env, model) };
}


/** The contract's StartStatus of one job, once its pair's runner has decided (atomically) whether it may start. */
export async function launchJob(env: Env, { init, unavailable }: { init: JobInit; unavailable: string | null }) {
  if (unavailable) {
    const message = `Model ${init.model} is not available in this deployment: ${unavailable}`;
    return { job_id: "", model: init.model, stream: init.stream, started: false, message, error: message };
  }
  try {
    const res = await runnerFor(env, init.qid, init.model).start(init);
    if (res.started) return { job_id: res.job_id, model: init.model, stream: init.stream, started: true, message: "Job enqueued", error: null };
    return {
      job_id: "",
      model: init.model,
      stream: init.stream,
      started: false,
      message: `A job with params (qid=${init.qid}, model=${init.model}, stream=${res.stream}) is already running`,
      error: null,
      // The contract's job_id stays "": the running job is named in a field of its own.
      running_job_id: res.job_id,
    };
  } catch (e) {
    console.error(`starting ${init.model} on ${init.qid} failed`, e);
    return { job_id: "", model: init.model, stream: init.stream, started: false, message: "Job could not be started", error: "The job could not be started; try again" };
  }
}
