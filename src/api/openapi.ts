import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { errorResponses } from "./shared.schemas";

/**
 * The status codes every route can answer besides its own, added to each operation of the
 * document so it lists them all: 400 when it validates input, 401 when a token is needed,
 * 413/415 when it takes a JSON body, 500 always (with a request id, never a stack).
 */
export function declareCommonResponses(app: OpenAPIHono<AppEnv>): void {
  for (const def of app.openAPIRegistry.definitions) {
    if (def.type !== "route") continue;
    const route = def.route;
    const codes: Array<400 | 401 | 413 | 415 | 500> = [500];
    if (route.request?.params || route.request?.query || route.request?.body) codes.push(400);
    if (!Array.isArray(route.security) || route.security.length > 0) codes.push(401);
    if (route.request?.body?.content?.["application/json"]) codes.push(413, 415);
    const extra = errorResponses(...codes.filter((c) => !(String(c) in route.responses)));
    route.responses = { ...route.responses, ...extra };
  }
}
