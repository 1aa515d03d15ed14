import { createRouter } from "../router";
import { routePolicy } from "../route-policy";
import { deleteContent, getContent, listContents, playContent, putContent, UPLOAD_PATH, uploadFileDoc } from "./contents.routes";
import { deleteContentHandler, getContentHandler, listContentsHandler, playContentHandler, putContentHandler, uploadFileHandler } from "./contents.handlers";

export const contentsRouter = createRouter();
contentsRouter.openapi(playContent, playContentHandler);
contentsRouter.openapi(listContents, listContentsHandler);
contentsRouter.openapi(putContent, putContentHandler);
contentsRouter.openapi(getContent, getContentHandler);
contentsRouter.openapi(deleteContent, deleteContentHandler);
// Uploads stream into R2 under their own limit (MAX_UPLOAD_BYTES), checked by the handler.
contentsRouter.put(UPLOAD_PATH, routePolicy({ maxBodyBytes: null }), uploadFileHandler);
contentsRouter.openAPIRegistry.registerPath(uploadFileDoc);
