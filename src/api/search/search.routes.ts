import { createRoute, z } from "@hono/zod-openapi";
import { SEARCH_COUNT_CAP, SEARCH_SORTS } from "../../tagstore/search";
import { authQuery, boundedIntQuery, errorResponses, jsonResponse, offsetQuery, PaginationMetaSchema, qidParam } from "../shared.schemas";

/** Tag times in ms: a century is past any media. */
const ms = boundedIntQuery(100 * 365 * 24 * 3600 * 1000, "a non-negative integer (ms)").optional();

export const SearchHitSchema = z
  .object({
    qid: z.string(),
    title: z.string(),
    track: z.string(),
    model: z.string(),
    start_time: z.number().int(),
    end_time: z.number().int(),
    text: z.string(),
    confidence: z.number().nullable(),
    frame_info: z.record(z.string(), z.unknown()).nullable(),
    job_id: z.string(),
  })
  .openapi("SearchHit");

export const searchTags = createRoute({
  method: "get",
  path: "/search/tags",
  tags: ["tags"],
  operationId: "searchTags",
  summary: "Search tags across contents",
  description:
    "Every current tag of every content the caller may read (registered and fabric contents; a system administrator's search spans all tenants). `text` matches word prefixes, case and accents folded, all words, in whatever order (`casa` finds `Casablanca`), through a full-text index; the other filters narrow by track, model, content, confidence, time window (ms) and whether a box was drawn. Sorted by relevance (bm25) when there is text, else by time.",
  request: {
    query: z
      .object({
        authorization: authQuery,
        text: z.string().min(1).max(200).optional(),
        track: z.string().max(64).optional(),
        model: z.string().max(64).optional(),
        qid: qidParam.optional().openapi({ param: { name: "qid", in: "query" } }),
        tenant: z.string().min(1).max(64).optional().openapi({ description: "Only this tenant's contents (one the caller belongs to)" }),
        min_confidence: z
          .string()
          .regex(/^(0(\.\d+)?|1(\.0+)?)$/, "must be a number from 0 to 1")
          .transform(Number)
          .optional(),
        start_time: ms,
        end_time: ms,
        has_box: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
        sort: z.enum(SEARCH_SORTS).optional().openapi({ description: "`relevance` (the default with text), `start_time` (the default without), `-start_time`, `confidence`, `-confidence`, `qid`" }),
        start: offsetQuery,
        limit: offsetQuery,
      })
      .strict(),
  },
  responses: {
    200: jsonResponse(
      z.object({
        hits: z.array(SearchHitSchema),
        meta: PaginationMetaSchema.extend({
          total_capped: z
            .literal(true)
            .optional()
            .describe(`Present when more than ${SEARCH_COUNT_CAP.toLocaleString("en")} tags match: \`total\` is then that many, a lower bound, and paging goes on while pages come back full`),
        }).openapi("SearchMeta"),
      }),
      "A page of hits",
    ),
    ...errorResponses(400, 401, 403),
  },
});
