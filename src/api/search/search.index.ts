import { createRouter } from "../router";
import { searchTagsHandler } from "./search.handlers";
import { searchTags } from "./search.routes";

export const searchRouter = createRouter();
searchRouter.openapi(searchTags, searchTagsHandler);
