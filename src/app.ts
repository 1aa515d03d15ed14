import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { missingConfiguration } from "./config/readiness";
import type { AppEnv } from "./app-env";
import { authenticate } from "./auth/middleware";
import { ApiError } from "./errors";
import { MAX_JSON_BODY_BYTES } from "./limits";
import { validationHook } from "./api/validation";
import { corsPolicy } from "./api/cors";
import { declareCommonResponses } from "./api/openapi";
import { healthRoute } from "./api/health.routes";
import { policyOf, routePolicy, withPolicy } from "./api/route-policy";
import { apiKeysRouter } from "./api/api-keys/api-keys.index";
import { callbacksRouter } from "./api/callbacks/callbacks.index";
import { contentsRouter } from "./api/contents/contents.index";
import { feedsRouter } from "./api/feeds/feeds.index";
import { gatewayRouter } from "./api/gateway/gateway.index";
import { webhookSecretRouter } from "./api/webhook-secret/webhook-secret.index";
import { videoAnalysesRouter } from "./api/video-analyses/video-analyses.index";
import { translationsRouter } from "./api/translations/translations.index";
import { searchRouter } from "./api/search/search.index";
import { oauthRouter } from "./api/oauth/oauth.index";
import { mediaRouter } from "./api/media/media.index";
import { modelsRouter } from "./api/models/models.index";
import { providersRouter } from "./api/providers/providers.index";
import { queuesRouter } from "./api/queues/queues.index";
import { statusRouter } from "./api/status/status.index";
import { taggingRouter } from "./api/tagging/tagging.index";
import { tagsRouter } from "./api/tags/tags.index";
import { tenantsRouter } from "./api/tenants/tenants.index";

const errorBody = (code: string, message: string) => ({ error: { code, message } });

/** Route groups in matching order where patterns overlap: literal prefixes before /{qid}/…. */
const ROUTERS = [oauthRouter, gatewayRouter, translationsRouter, videoAnalysesRouter, webhookSecretRouter, modelsRouter, tenantsRouter, apiKeysRouter, contentsRouter, mediaRouter, callbacksRouter, providersRouter, queuesRouter, feedsRouter, statusRouter, searchRouter, taggingRouter, tagsRouter];

export function buildApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use("*", async (c, next) => {
    c.set("requestId", crypto.randomUUID());
    await next();
  });
  // Browsers ask first (OPTIONS, no token): answered here, before any route or token check.
  app.use("*", corsPolicy());
  // Each route's group declares who may call it and how large its body may be (route-policy.ts).
  app.use("*", async (c, next) => {
    const policy = policyOf(c);
    // No route: the 404/405 answer tells nothing a token would protect.
    if (policy === null || policy.access !== "token") return next();
    const caller = await authenticate(c.env, c.req.header("authorization"), c.req.query("authorization"));
    c.set("identity", caller.identity);
    c.set("loadPrincipal", caller.loadPrincipal);
    return next();
  });
  app.use("*", async (c, next) => {
    const maxSize = policyOf(c)?.maxBodyBytes;
    if (maxSize === null) return next();
    return bodyLimit({
      maxSize: maxSize ?? MAX_JSON_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, "PAYLOAD_TOO_LARGE", `Request body is larger than ${maxSize ?? MAX_JSON_BODY_BYTES} bytes`);
      },
    })(c, next);
  });

  app.openapi(withPolicy(healthRoute, { access: "public" }), (c) => {
    const missing = missingConfiguration(c.env);
    if (missing.length === 0) return c.json({ ok: true as const }, 200);
    return c.json({ ok: false as const, missing, message: `This deployment is missing ${missing.join(", ")}: no work can start` }, 503);
  });
  for (const router of ROUTERS) app.route("/", router);

  // The API document is public; the marker is the first handler of its GET route.
  app.get("/openapi.json", routePolicy({ access: "public" }));
  declareCommonResponses(app);
  app.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Edge Tagger API",
      version: "1.0.0",
      description:
        "A drop-in implementation of the Eluvio Tagger API v1.0.0 on Cloudflare Workers, with a content registry, tenants, a model catalog and the stored tags. Errors are always {\"error\": {\"code\", \"message\"}}. Scope times are seconds; tag times are milliseconds.",
      license: { name: "Proprietary" },
    },
    servers: [{ url: new URL(c.req.url).origin, description: "This deployment" }],
    security: [{ bearer: [] as string[] }, { basic: [] as string[] }, { oauth2ClientCredentials: [] as string[] }] as Array<Record<string, string[]>>,
  }));

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", description: "A signed token (or, locally, an unsigned one); ?authorization= works too" });
  app.openAPIRegistry.registerComponent("securitySchemes", "oauth2ClientCredentials", {
    type: "oauth2",
    description: "The AI Gateway's scheme: an API key as the OAuth2 client (POST /oauth/token) for a bearer access token",
    flows: { clientCredentials: { tokenUrl: "/oauth/token", scopes: {} } },
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "basic", { type: "http", scheme: "basic", description: "An API key: its id and secret (POST /tenants/{tenant_id}/api-keys)" });

  const routes = collectRoutes(app);
  app.notFound((c) => {
    const allowed = routes.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method);
    if (allowed.length > 0) {
      c.header("Allow", [...new Set(allowed)].join(", "));
      return c.json(errorBody("METHOD_NOT_ALLOWED", `Method ${c.req.method} is not allowed on ${c.req.path}`), 405);
    }
    return c.json(errorBody("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`), 404);
  });

  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json(errorBody(err.code, err.message), err.status);
    if (err instanceof HTTPException) {
      const status = err.status;
      if (status === 415) return c.json(errorBody("UNSUPPORTED_MEDIA_TYPE", "This route takes a JSON body: send it with Content-Type: application/json"), 415);
      const message = status === 400 && /json/i.test(err.message) ? "Malformed JSON in request body" : err.message || "Bad request";
      return c.json(errorBody(status === 400 ? "BAD_REQUEST" : `HTTP_${status}`, message), status);
    }
    const requestId = c.get("requestId");
    console.error(`request ${requestId} failed`, err);
    return c.json(errorBody("INTERNAL_ERROR", `Something went wrong on our side (request id ${requestId})`), 500);
  });
  return app;
}

/** Every registered method and path, to tell a wrong method (405) from an unknown path (404). */
function collectRoutes(app: OpenAPIHono<AppEnv>): Array<{ method: string; pattern: RegExp }> {
  return app.routes
    .filter((r) => r.method !== "ALL")
    .map((r) => ({
      method: r.method,
      pattern: new RegExp(`^${r.path.replace(/:[A-Za-z_]+\{\.\+\}/g, ".+").replace(/:[A-Za-z_]+/g, "[^/]+")}/?$`),
    }));
}
