import { MAX_CALLBACK_BODY_BYTES } from "../../limits";
import { createRouter } from "../router";
import { withPolicy } from "../route-policy";
import { postCallback } from "./callbacks.routes";
import { callbackHandler } from "./callbacks.handlers";

export const callbacksRouter = createRouter();
// The signed URL is the credential; a deferred result can hold many tags.
callbacksRouter.openapi(withPolicy(postCallback, { access: "signed", maxBodyBytes: MAX_CALLBACK_BODY_BYTES }), callbackHandler);
