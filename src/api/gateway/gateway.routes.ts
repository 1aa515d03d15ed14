import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse } from "../shared.schemas";
import { createHeaders, includeQuery } from "./gateway.schemas";
import { ProviderListSchema, TranscriptionCreateSchema, TranscriptionJobSchema, TranscriptionResultSchema } from "./gateway.schemas";

const id = z.string().uuid("must be a job id (a UUID)").openapi({ param: { name: "id", in: "path" } });

export const createTranscription = createRoute({
  method: "post",
  path: "/v1/transcriptions",
  tags: ["ai-gateway"],
  operationId: "createTranscription",
  summary: "Create transcription job",
  description:
    "Transcribes the audio of a video or audio file at `input.url` (HTTP or HTTPS) asynchronously: answers 202 with the job; poll `GET /v1/transcriptions/{id}` and read `GET /v1/transcriptions/{id}/result` once `completed`. Runs the engine's speech-to-text model (`asr`) over the media.",
  request: { headers: createHeaders, body: jsonBody(TranscriptionCreateSchema, "The job") },
  responses: { 202: jsonResponse(TranscriptionJobSchema, "Accepted: the job, pending"), ...errorResponses(400, 401, 403, 404, 409, 503) },
});

export const getTranscription = createRoute({
  method: "get",
  path: "/v1/transcriptions/{id}",
  tags: ["ai-gateway"],
  operationId: "getTranscription",
  summary: "Get transcription job",
  description: "The job: its status (`pending`, `processing`, `completed`, `failed`), progress 0-100, times, and once completed its result (JSON).",
  request: { params: z.object({ id }), query: includeQuery },
  responses: { 200: jsonResponse(TranscriptionJobSchema, "The job"), ...errorResponses(400, 401, 404) },
});

export const getTranscriptionResult = createRoute({
  method: "get",
  path: "/v1/transcriptions/{id}/result",
  tags: ["ai-gateway"],
  operationId: "getTranscriptionResult",
  summary: "Get transcription result",
  description:
    "Only the transcription output, in the job's `options.format` (`?format=` overrides it): `application/json`, `text/srt` or `text/vtt`. 404 `RESULT_NOT_READY` (with `Retry-After`) until the job is completed, 404 `JOB_FAILED` when it failed.",
  request: { params: z.object({ id }), query: z.object({ format: z.enum(["json", "srt", "vtt"]).optional() }) },
  responses: {
    200: {
      description: "The result",
      content: {
        "application/json": { schema: TranscriptionResultSchema },
        "text/srt": { schema: z.string() },
        "text/vtt": { schema: z.string() },
      },
    },
    ...errorResponses(400, 401, 404),
  },
});

export const listGatewayProviders = createRoute({
  method: "get",
  path: "/v1/providers",
  tags: ["ai-gateway"],
  operationId: "listGatewayProviders",
  summary: "List available providers",
  description:
    "Every backend of this deployment and the features it offers per resource (only resources it supports appear), from the model catalog's gateway declarations: a feature is listed only where its model can run here. Also its health and load. Jobs with `provider` omitted go to the first backend that offers every feature they ask for.",
  responses: { 200: jsonResponse(ProviderListSchema, "The providers"), ...errorResponses(401) },
});
