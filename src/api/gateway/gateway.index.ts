import { createRouter } from "../router";
import { createTranscriptionHandler, getTranscriptionHandler, getTranscriptionResultHandler } from "./gateway.handlers";
import { createTranscription, getTranscription, getTranscriptionResult } from "./gateway.routes";

export const gatewayRouter = createRouter();
gatewayRouter.openapi(createTranscription, createTranscriptionHandler);
gatewayRouter.openapi(getTranscription, getTranscriptionHandler);
gatewayRouter.openapi(getTranscriptionResult, getTranscriptionResultHandler);
