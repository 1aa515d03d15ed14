import { createRouter } from "../router";
import { routePolicy } from "../route-policy";
import { MEDIA_PATH } from "./media.routes";
import { mediaHandler } from "./media.handlers";

/** The signed URL is the credential: no token. */
export const mediaRouter = createRouter();
mediaRouter.get(MEDIA_PATH, routePolicy({ access: "public" }), mediaHandler);
