import { createRoute, z } from "@hono/zod-openapi";
import { CONTENT_SORTS } from "../../db/contents";
import { errorResponses, jsonBody, jsonResponse, offsetQuery, PaginationMetaSchema, qidParam, authQuery } from "../shared.schemas";
import { ContentSchema, PutContentSchema } from "./contents.schemas";

const params = z.object({ qid: qidParam });

export const putContent = createRoute({
  method: "put",
  path: "/contents/{qid}",
  tags: ["contents"],
  operationId: "putContent",
  description: "Registers a content under an id of its tenant (201), or updates one the caller may write (200). Streams are HLS playlists (VOD or live) or progressive MP4s, by URL or by an uploaded file; assets are images. URLs must point at public addresses in production. Scope times elsewhere are seconds; tag times are milliseconds.",
  summary: "Register (or update) content to tag: HLS or MP4 streams, uploaded files, image assets",
  request: { params, query: z.object({ authorization: authQuery }).strict(), body: jsonBody(PutContentSchema) },
  responses: { 200: jsonResponse(ContentSchema, "Updated"), 201: jsonResponse(ContentSchema, "Registered"), ...errorResponses(400, 401, 403, 404, 409) },
});

export const getContent = createRoute({
  method: "get",
  path: "/contents/{qid}",
  tags: ["contents"],
  operationId: "getContent",
  description: "The content's registration: streams, assets, part duration, tenant and who registered it.",
  summary: "Read a registered content",
  request: { params, query: z.object({ authorization: authQuery }).strict() },
  responses: { 200: jsonResponse(ContentSchema, "The content"), ...errorResponses(401, 403, 404) },
});

export const listContents = createRoute({
  method: "get",
  path: "/contents",
  tags: ["contents"],
  operationId: "listContents",
  description: "A page of the contents of every tenant the caller belongs to, newest first, with `meta {total, start, limit, count}`.",
  summary: "List the contents of the caller's tenants",
  request: {
    query: z
      .object({
        start: offsetQuery,
        limit: offsetQuery,
        authorization: authQuery,
        sort: z.enum(CONTENT_SORTS).optional().describe("Order of the list: a field, `-` first for descending (default qid)"),
      })
      .strict(),
  },
  responses: { 200: jsonResponse(z.object({ contents: z.array(ContentSchema), meta: PaginationMetaSchema }), "A page of contents"), ...errorResponses(400, 401) },
});

export const deleteContent = createRoute({
  method: "delete",
  path: "/contents/{qid}",
  tags: ["contents"],
  operationId: "deleteContent",
  description: "Removes the content, its uploaded files, its fetched media, its tags and its runners' state, so the id may be registered again by anyone without seeing anything of it. Refused (409) while a job of it is active.",
  summary: "Remove a registered content and its uploaded files",
  request: { params, query: z.object({ authorization: authQuery }).strict() },
  responses: { 204: { description: "Removed" }, ...errorResponses(401, 403, 404, 409) },
});

export const playContent = createRoute({
  method: "get",
  path: "/contents/{qid}/play",
  tags: ["contents"],
  operationId: "playContent",
  description: "Where a player can open a stream of the content: its URL, or for an uploaded file a signed URL that expires.",
  summary: "A URL a player can open for one of the content's streams (uploaded files get a signed, expiring URL)",
  request: { params, query: z.object({ authorization: authQuery, stream: z.string().max(64).default("video") }).strict() },
  responses: {
    200: jsonResponse(z.object({ url: z.string(), type: z.enum(["hls", "mp4"]) }), "Where to play it"),
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

/** The file's path may hold slashes, which OpenAPI path templates cannot say: bound by hand, documented here. */
export const UPLOAD_PATH = "/contents/:qid/files/:path{.+}";
export const uploadFileDoc = {
  method: "put" as const,
  path: "/contents/{qid}/files/{path}",
  tags: ["contents"],
  operationId: "uploadFile",
  summary: "Upload a file (raw body, streamed into R2; Content-Length required)",
  description:
    "Stores a file of the content (a movie, a playlist and its segments, an image) under its path. MP4 files and playlists are checked on arrival: one no job could read is refused (422) and not stored. At most MAX_UPLOAD_BYTES.",
  request: { params: z.object({ qid: qidParam, path: z.string().openapi({ param: { name: "path", in: "path" } }) }) },
  responses: { 201: jsonResponse(z.object({ path: z.string(), size: z.number(), etag: z.string() }), "Stored"), ...errorResponses(400, 401, 403, 404, 411, 413, 422) },
};
