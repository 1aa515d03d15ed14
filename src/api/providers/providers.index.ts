import { createRouter } from "../router";
import { listProviders } from "./providers.routes";
import { listProvidersHandler } from "./providers.handlers";

export const providersRouter = createRouter();
providersRouter.openapi(listProviders, listProvidersHandler);
