import { routePolicy } from "../route-policy";
import { createRouter } from "../router";
import { issueTokenHandler } from "./oauth.handlers";
import { issueToken } from "./oauth.routes";

export const oauthRouter = createRouter();
// Public: the client authenticates with the credentials in the request. The handler reads the
// body itself (a form or JSON, answering OAuth's error codes), so the route is only documented.
oauthRouter.post(issueToken.path, routePolicy({ access: "public" }), issueTokenHandler);
oauthRouter.openAPIRegistry.registerPath({ ...issueToken, security: [] });
