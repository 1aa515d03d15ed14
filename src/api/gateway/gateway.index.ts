import { createRouter } from "../router";
import { createTranscriptionHandler, getTranscriptionHandler, getTranscriptionResultHandler, listGatewayProvidersHandler } from "./gateway.handlers";
import { createTranscription, getTranscription, getTranscriptionResult, listGatewayProviders } from "./gateway.routes";

export const gatewayRouter = createRouter();
gatewayRouter.openapi(createTranscription, createTranscriptionHandler);
gatewayRouter.openapi(getTranscription, getTranscriptionHandler);
gatewayRouter.openapi(getTranscriptionResult, getTranscriptionResultHandler);
gatewayRouter.openapi(listGatewayProviders, listGatewayProvidersHandler);
