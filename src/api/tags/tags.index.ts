import { createRouter } from "../router";
import { tracks, tagsList, tagsExport } from "./tags.routes";
import { exportTagsHandler, listTagsHandler, listTracksHandler } from "./tags.handlers";

export const tagsRouter = createRouter();
tagsRouter.openapi(tracks, listTracksHandler);
tagsRouter.openapi(tagsExport, exportTagsHandler);
tagsRouter.openapi(tagsList, listTagsHandler);
