import { idempotency } from "./idempotency";
import { createRouter } from "../router";
import { createTranscriptionHandler, getTranscriptionHandler, getTranscriptionResultHandler, listGatewayProvidersHandler } from "./gateway.handlers";
import { createTranscription, getTranscription, getTranscriptionResult, listGatewayProviders } from "./gateway.routes";

export const gatewayRouter = createRouter();
gatewayRouter.use("/v1/transcriptions", idempotency);
gatewayRouter.openapi(createTranscription, createTranscriptionHandler);
gatewayRouter.openapi(getTranscription, getTranscriptionHandler);
gatewayRouter.openapi(getTranscriptionResult, getTranscriptionResultHandler);
gatewayRouter.openapi(listGatewayProviders, listGatewayProvidersHandler);
