import { createRouter } from "../router";
import { tracks, tagsList, tagsExport, tagFacets } from "./tags.routes";
import { exportTagsHandler, listTagsHandler, listTracksHandler, tagFacetsHandler } from "./tags.handlers";

export const tagsRouter = createRouter();
tagsRouter.openapi(tracks, listTracksHandler);
tagsRouter.openapi(tagsExport, exportTagsHandler);
tagsRouter.openapi(tagFacets, tagFacetsHandler);
tagsRouter.openapi(tagsList, listTagsHandler);
