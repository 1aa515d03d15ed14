import { createRouter } from "../router";
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys.routes";
import { createApiKeyHandler, listApiKeysHandler, revokeApiKeyHandler } from "./api-keys.handlers";

export const apiKeysRouter = createRouter();
apiKeysRouter.openapi(createApiKey, createApiKeyHandler);
apiKeysRouter.openapi(listApiKeys, listApiKeysHandler);
apiKeysRouter.openapi(revokeApiKey, revokeApiKeyHandler);
