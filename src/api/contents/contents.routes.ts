import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse, offsetQuery, PaginationMetaSchema, qidParam, authQuery } from "../shared.schemas";
import { ContentSchema, PutContentSchema } from "./contents.schemas";

const params = z.object({ qid: qidParam });

export const putContent = createRoute({
  method: "put",
  path: "/contents/{qid}",
  tags: ["contents"],
  summary: "Register (or update) content to tag: HLS or MP4 streams, uploaded files, image assets",
  request: { params, query: z.object({ authorization: authQuery }).strict(), body: jsonBody(PutContentSchema) },
  responses: { 200: jsonResponse(ContentSchema, "Updated"), 201: jsonResponse(ContentSchema, "Registered"), ...errorResponses(400, 401, 403) },
});

export const getContent = createRoute({
  method: "get",
  path: "/contents/{qid}",
  tags: ["contents"],
  summary: "Read a registered content",
  request: { params, query: z.object({ authorization: authQuery }).strict() },
  responses: { 200: jsonResponse(ContentSchema, "The content"), ...errorResponses(401, 403, 404) },
});

export const listContents = createRoute({
  method: "get",
  path: "/contents",
  tags: ["contents"],
  summary: "List the contents of the caller's tenants",
  request: { query: z.object({ start: offsetQuery, limit: offsetQuery, authorization: authQuery }).strict() },
  responses: { 200: jsonResponse(z.object({ contents: z.array(ContentSchema), meta: PaginationMetaSchema }), "A page of contents"), ...errorResponses(400, 401) },
});

export const deleteContent = createRoute({
  method: "delete",
  path: "/contents/{qid}",
  tags: ["contents"],
  summary: "Remove a registered content and its uploaded files",
  request: { params, query: z.object({ authorization: authQuery }).strict() },
  responses: { 204: { description: "Removed" }, ...errorResponses(401, 403, 404, 409) },
});

export const playContent = createRoute({
  method: "get",
  path: "/contents/{qid}/play",
  tags: ["contents"],
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
  summary: "Upload a file (raw body, streamed into R2; Content-Length required)",
  request: { params: z.object({ qid: qidParam, path: z.string().openapi({ param: { name: "path", in: "path" } }) }) },
  responses: { 201: jsonResponse(z.object({ path: z.string(), size: z.number(), etag: z.string() }), "Stored"), ...errorResponses(400, 401, 403, 404, 413) },
};
