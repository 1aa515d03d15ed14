import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse } from "../shared.schemas";
import { createHeaders, includeQuery } from "../gateway/gateway.schemas";
import { TranslationCreateSchema, TranslationJobSchema, TranslationResultSchema } from "./translations.schemas";

const id = z.string().uuid("must be a job id (a UUID)").openapi({ param: { name: "id", in: "path" } });

export const createTranslation = createRoute({
  method: "post",
  path: "/v1/translations",
  tags: ["ai-gateway"],
  operationId: "createTranslation",
  summary: "Create translation job",
  description:
    "Translates a text (`input.type: text`, up to 100,000 characters) or a document at a URL (`document`: UTF-8 plain text, SubRip or WebVTT, up to 10 MiB) into `input.target_language`, asynchronously (202 with the job). The engine's `translate` model runs over the text in parts of whole cues or paragraphs. `source_language: auto` (the default) detects the language of each part; `formality` other than `default` needs a provider that offers it.",
  request: { headers: createHeaders, body: jsonBody(TranslationCreateSchema, "The job") },
  responses: { 202: jsonResponse(TranslationJobSchema, "Accepted: the job, pending"), ...errorResponses(400, 401, 403, 404, 409, 503) },
});

export const getTranslation = createRoute({
  method: "get",
  path: "/v1/translations/{id}",
  tags: ["ai-gateway"],
  operationId: "getTranslation",
  summary: "Get translation job",
  description: "The job: its status, progress 0-100, times, and once completed its result.",
  request: { params: z.object({ id }), query: includeQuery },
  responses: { 200: jsonResponse(TranslationJobSchema, "The job"), ...errorResponses(400, 401, 404) },
});

export const getTranslationResult = createRoute({
  method: "get",
  path: "/v1/translations/{id}/result",
  tags: ["ai-gateway"],
  operationId: "getTranslationResult",
  summary: "Get translation result",
  description:
    "Only the translation output: `content` for a text, a signed `download_url` (1 hour) for a document. 404 `RESULT_NOT_READY` (with `Retry-After`) until the job is completed, 404 `JOB_FAILED` when it failed.",
  request: { params: z.object({ id }) },
  responses: { 200: jsonResponse(TranslationResultSchema, "The result"), ...errorResponses(400, 401, 404) },
});

export const getGatewayFile = createRoute({
      method: "get",
      path: "/v1/files/{token}",
      tags: ["ai-gateway"],
      operationId: "getGatewayFile",
      summary: "Download a translated document",
      description: "The translated document a translation's `download_url` points at. The signed URL is the credential (no token); it expires after 1 hour (401 then, as when tampered with): read the result again for a fresh one.",
      request: { params: z.object({ token: z.string().min(1).max(2048).openapi({ param: { name: "token", in: "path" } }) }) },
      responses: {
        200: {
          description: "The document",
          content: { "text/plain": { schema: z.string() }, "text/srt": { schema: z.string() }, "text/vtt": { schema: z.string() } },
        },
        ...errorResponses(401, 404),
      },
});
