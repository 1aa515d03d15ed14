import { createRouter } from "../router";
import { withPolicy } from "../route-policy";
import { listModels, getModel, putModel, deleteModel } from "./models.routes";
import { deleteModelHandler, getModelHandler, listModelsHandler, putModelHandler } from "./models.handlers";

export const modelsRouter = createRouter();
// The catalog is public: clients choose models before they have a token.
modelsRouter.openapi(withPolicy(listModels, { access: "public" }), listModelsHandler);
modelsRouter.openapi(withPolicy(getModel, { access: "public" }), getModelHandler);
modelsRouter.openapi(putModel, putModelHandler);
modelsRouter.openapi(deleteModel, deleteModelHandler);
