import { createRoute, z } from "@hono/zod-openapi";
import { authQuery, errorResponses, jsonResponse, boundedIntQuery, offsetQuery, PaginationMetaSchema, qidParam } from "../shared.schemas";

const TagSchema = z
  .object({
    id: z.string(),
    track: z.string(),
    start_time: z.number().int().describe("ms, content time"),
    end_time: z.number().int(),
    text: z.string(),
    source: z.string().describe("The part the tag came from"),
    job_id: z.string(),
    frame_info: z.object({ frame_idx: z.number().int(), box: z.object({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() }).optional() }).nullable(),
    additional_info: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi("Tag");

export const tracks = createRoute({
  method: "get",
  path: "/{qid}/tracks",
  tags: ["tags"],
  operationId: "tracks",
  description: "The content's tracks: name, label, the models that wrote them and how many current tags each holds.",
  summary: "The content's tag tracks",
  request: { params: z.object({ qid: qidParam }), query: z.object({ authorization: authQuery }).strict() },
  responses: {
    200: jsonResponse(z.object({ tracks: z.array(z.object({ name: z.string(), label: z.string(), models: z.array(z.string()), tag_count: z.number().int() })) }), "Tracks"),
    ...errorResponses(400, 401, 403, 404),
  },
});

/** Tag times in ms: a century is past any media. */
const ms = boundedIntQuery(100 * 365 * 24 * 3600 * 1000, "a non-negative integer (ms)").optional();

export const tagsList = createRoute({
  method: "get",
  path: "/{qid}/tags",
  tags: ["tags"],
  operationId: "tagsList",
  description: "The content's current tags (joined across parts, one copy per model: superseded and deleted runs are left out) filtered by track, model, job, time window (ms) or text, a page at a time.",
  summary: "Read tags, ordered by start_time",
  request: {
    params: z.object({ qid: qidParam }),
    query: z
      .object({
        authorization: authQuery,
        track: z.string().max(64).optional(),
        model: z.string().max(64).optional(),
        start_time: ms,
        end_time: ms,
        text: z.string().max(200).optional(),
        job_id: z.string().max(64).optional(),
        start: offsetQuery,
        limit: offsetQuery,
      })
      .strict(),
  },
  responses: { 200: jsonResponse(z.object({ tags: z.array(TagSchema), meta: PaginationMetaSchema }), "A page of tags"), ...errorResponses(400, 401, 403, 404) },
});

export const tagsExport = createRoute({
  method: "get",
  path: "/{qid}/tags/export",
  tags: ["tags"],
  operationId: "tagsExport",
  description: "A track as a WebVTT or SRT file, or every current tag of the content as JSON, streamed page by page.",
  summary: "Download tags: a track as WebVTT or SRT, or every tag of the content as JSON",
  request: {
    params: z.object({ qid: qidParam }),
    query: z
      .object({
        authorization: authQuery,
        format: z.enum(["vtt", "srt", "json"]).default("json"),
        track: z.string().max(64).optional().describe("Required for vtt and srt; narrows json"),
      })
      .strict(),
  },
  responses: {
    200: {
      description: "The file (Content-Disposition: attachment)",
      content: {
        "text/vtt": { schema: z.string() },
        "application/x-subrip": { schema: z.string() },
        "application/json": { schema: z.object({ qid: z.string(), exported_at: z.string(), tags: z.array(TagSchema) }) },
      },
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const tagFacets = createRoute({
  method: "get",
  path: "/{qid}/tags/facets",
  tags: ["tags"],
  operationId: "tagFacets",
  summary: "Tag facets of a content",
  description: "Per track of the content's current tags: how many there are, how many distinct texts, and the most frequent texts with their counts (`top`, default 50).",
  request: {
    params: z.object({ qid: qidParam }),
    query: z
      .object({
        authorization: authQuery,
        track: z.string().max(64).optional(),
        top: boundedIntQuery(500).optional().openapi({ description: "Texts listed per track (at most 500)" }),
      })
      .strict(),
  },
  responses: {
    200: jsonResponse(
      z.object({
        qid: z.string(),
        tracks: z.array(z.object({ track: z.string(), count: z.number().int(), distinct_texts: z.number().int(), texts: z.array(z.object({ text: z.string(), count: z.number().int() })) })),
      }),
      "The facets",
    ),
    ...errorResponses(400, 401, 403, 404),
  },
});
