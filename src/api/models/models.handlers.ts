import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { requireSystem } from "../../auth/principal";
import { db } from "../../db/client";
import { badRequest, notFound } from "../../errors";
import { builtinModels, defaultTracks, deleteStoredModel, findModel, listModels, putModel, unavailableReason } from "../../providers/catalog";
import { providerId } from "../../providers/identity";
import { paramsError, schemaProblem } from "../../providers/params";
import type { ModelDefinition } from "../../providers/types";
import { checkSourceUrl } from "../../sources/safe-fetch";
import type { deleteModel as DeleteRoute, getModel as GetRoute, listModels as ListRoute, putModel as PutRoute } from "./models.routes";

const toSpec = (m: ModelDefinition) => ({ name: m.name, description: m.description, type: m.type, tag_tracks: m.tag_tracks });

export const listModelsHandler: RouteHandler<typeof ListRoute, AppEnv> = async (c) => {
  const models = await listModels(c.env, db(c.env));
  return c.json({ models: models.map((m) => ({ ...toSpec(m), available: unavailableReason(c.env, m) === null })) }, 200);
};

export const getModelHandler: RouteHandler<typeof GetRoute, AppEnv> = async (c) => {
  const { model } = c.req.valid("param");
  const m = await findModel(c.env, db(c.env), model);
  if (!m) throw notFound(`Model ${model} not found`, "MODEL_NOT_FOUND");
  const why = unavailableReason(c.env, m);
  return c.json(
    {
      ...toSpec(m),
      available: why === null,
      ...(why ? { unavailable_reason: why } : {}),
      params_schema: m.params_schema ?? {},
      default_params: m.default_params ?? {},
      provider: { kind: m.provider.kind },
      builtin: m.builtin ?? false,
      boundary: m.boundary ?? "none",
    },
    200,
  );
};

export const putModelHandler: RouteHandler<typeof PutRoute, AppEnv> = async (c) => {
  requireSystem(c.get("identity"));
  const { model } = c.req.valid("param");
  const body = c.req.valid("json");
  if (body.params_schema) {
    const problem = schemaProblem(body.params_schema);
    if (problem) throw badRequest(`params_schema is not a usable JSON Schema: ${problem}`);
    const bad = paramsError(body.params_schema, body.default_params ?? {});
    if (bad) throw badRequest(`default_params do not satisfy params_schema: ${bad}`);
  }
  const providers = body.providers ?? [body.provider!];
  for (const [i, p] of providers.entries()) if (p.kind === "http") await checkSourceUrl(p.url, c.env, `providers[${i}].url`);
  const ids = providers.map(providerId);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw badRequest(`Provider ${dup} is listed twice`);
  const def: ModelDefinition = {
    name: model,
    description: body.description,
    type: body.type,
    tag_tracks: body.tag_tracks ?? defaultTracks(model),
    provider: providers[0]!,
    providers,
    ...(body.default_params ? { default_params: body.default_params } : {}),
    ...(body.params_schema ? { params_schema: body.params_schema } : {}),
    ...(body.boundary ? { boundary: body.boundary } : {}),
    ...(body.gateway ? { gateway: body.gateway } : {}),
  };
  await putModel(db(c.env), def);
  return c.json(toSpec(def), 200);
};

export const deleteModelHandler: RouteHandler<typeof DeleteRoute, AppEnv> = async (c) => {
  requireSystem(c.get("identity"));
  const { model } = c.req.valid("param");
  const removed = await deleteStoredModel(db(c.env), model);
  if (!removed) {
    if (builtinModels(c.env).some((m) => m.name === model)) throw badRequest(`Model ${model} is built in and cannot be deleted`);
    throw notFound(`Model ${model} not found`);
  }
  return c.body(null, 204);
};
