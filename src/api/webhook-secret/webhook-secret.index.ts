import { createRouter } from "../router";
import { getWebhookSecretHandler, rotateWebhookSecretHandler } from "./webhook-secret.handlers";
import { getWebhookSecret, rotateWebhookSecret } from "./webhook-secret.routes";

export const webhookSecretRouter = createRouter();
webhookSecretRouter.openapi(getWebhookSecret, getWebhookSecretHandler);
webhookSecretRouter.openapi(rotateWebhookSecret, rotateWebhookSecretHandler);
