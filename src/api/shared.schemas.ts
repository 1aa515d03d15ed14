import { z } from "@hono/zod-openapi";
import { MAX_OFFSET } from "../limits";

/** Content ids: fabric ids (iq__…, hq__…, tqw__…) or ids registered through /contents. */
export const QID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export const qidParam = z
  .string()
  .regex(QID_PATTERN, "must be a content id (iq__…, or a registered id of letters, digits, '_', '.', '-')")
  .openapi({ param: { name: "qid", in: "path" }, example: "demo" });

export const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const modelParam = z
  .string()
  .regex(MODEL_PATTERN, "must be a model name")
  .openapi({ param: { name: "model", in: "path" }, example: "shot" });

export const authQuery = z.string().optional().openapi({ param: { name: "authorization", in: "query" }, description: "The bearer token, for clients that cannot set headers" });

/** A non-negative integer given in a query string, at most `max`. */
export const boundedIntQuery = (max: number, what = "a non-negative integer") =>
  z
    .string()
    .regex(/^\d{1,16}$/, `must be ${what}`)
    .transform(Number)
    .refine((n) => n <= max, `must be at most ${max}`);

/** Page offsets and sizes in a query string: bounded, so no number reaches the database unchecked. */
export const offsetQuery = boundedIntQuery(MAX_OFFSET).optional();

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi("Error");

export const PaginationMetaSchema = z
  .object({ total: z.number().int(), start: z.number().int(), limit: z.number().int().nullable(), count: z.number().int() })
  .openapi("PaginationMeta");

export const errorResponses = (...statuses: Array<400 | 401 | 403 | 404 | 409 | 411 | 413 | 415 | 422 | 426 | 500 | 502 | 503>) =>
  Object.fromEntries(statuses.map((s) => [s, { description: "Error", content: { "application/json": { schema: ErrorSchema } } }]));

export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  required: true,
  description,
  content: { "application/json": { schema } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
