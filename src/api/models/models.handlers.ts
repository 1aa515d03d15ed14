import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { requireSystem } from "../../auth/principal";
import { db } from "../../db/client";
import { badRequest, notFound } from "../../errors";
import { builtinModels, defaultTracks, deleteStoredModel, listModels, putModel } from "../../providers/catalog";
import type { ModelDefinition } from "../../providers/types";
import type { deleteModel as DeleteRoute, listModels as ListRoute, putModel as PutRoute } from "./models.routes";

const toSpec = (m: ModelDefinition) => ({ name: m.name, description: m.description, type: m.type, tag_tracks: m.tag_tracks });

export const listModelsHandler: RouteHandler<typeof ListRoute, AppEnv> = async (c) => {
  const models = await listModels(c.env, db(c.env));
  return c.json({ models: models.map(toSpec) }, 200);
};

export const putModelHandler: RouteHandler<typeof PutRoute, AppEnv> = async (c) => {
  requireSystem(c.get("identity"));
  const { model } = c.req.valid("param");
  const body = c.req.valid("json");
  const def: ModelDefinition = {
    name: model,
    description: body.description,
    type: body.type,
    tag_tracks: body.tag_tracks ?? defaultTracks(model),
    provider: body.provider,
    ...(body.default_params ? { default_params: body.default_params } : {}),
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
