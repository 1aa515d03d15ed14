import { idempotency } from "../gateway/idempotency";
import { withPolicy } from "../route-policy";
import { createRouter } from "../router";
import { createTranslationHandler, getGatewayFileHandler, getTranslationHandler, getTranslationResultHandler } from "./translations.handlers";
import { createTranslation, getGatewayFile, getTranslation, getTranslationResult } from "./translations.routes";

export const translationsRouter = createRouter();
translationsRouter.use("/v1/translations", idempotency);
translationsRouter.openapi(createTranslation, createTranslationHandler);
translationsRouter.openapi(getTranslation, getTranslationHandler);
translationsRouter.openapi(getTranslationResult, getTranslationResultHandler);
// The signed URL is its own credential (like a pre-signed object URL): no token.
translationsRouter.openapi(withPolicy(getGatewayFile, { access: "signed" }), getGatewayFileHandler);
