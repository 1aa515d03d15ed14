import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { matchedRoutes } from "hono/route";
import { missingConfiguration } from "./config/readiness";
import type { AppEnv } from "./app-env";
import { authenticate } from "./auth/middleware";
import { ApiError } from "./errors";
import { validationHook } from "./api/validation";
import { registerContents } from "./api/contents/contents.routes";
import { registerCallbacks } from "./api/callbacks/callbacks.routes";
import { registerFeeds } from "./api/feeds/feeds.routes";
import { registerMedia } from "./api/media/media.routes";
import { registerProviders } from "./api/providers/providers.routes";
import { registerModels } from "./api/models/models.routes";
import { registerStatus } from "./api/status/status.routes";
import { registerTagging } from "./api/tagging/tagging.routes";
import { registerTags } from "./api/tags/tags.routes";
import { registerTenants } from "./api/tenants/tenants.routes";
import { registerApiKeys } from "./api/api-keys/api-keys.routes";

const JSON_BODY_LIMIT = 1024 * 1024;
/** A provider's deferred result can hold many tags. */
const CALLBACK_BODY_LIMIT = 16 * 1024 * 1024;

const errorBody = (code: string, message: string) => ({ error: { code, message } });

/**
 * Routes that answer without a token (the catalog, the API document, signed media, health) and
 * those whose signed URL is their credential (providers' result callbacks), by the route that
 * handles the request, never by a path prefix: `/media/tags/export` is `/{qid}/tags/export`.
 * HEAD is served by the GET route.
 */
const PUBLIC = new Set(["GET /models", "GET /models/:model", "GET /openapi.json", "GET /media/:token", "GET /health"]);
const SIGNED = new Set(["POST /callbacks/:token"]);
const UPLOAD = "PUT /contents/:qid/files/:path{.+}";

/** The route that answers this request (the first handler matched, as Hono runs them), or null for none. */
function handlingRoute(c: Context<AppEnv>): string | null {
  const route = matchedRoutes(c).find((r) => r.method !== "ALL");
  return route ? `${route.method} ${route.path}` : null;
}

export function buildApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use("*", async (c, next) => {
    c.set("requestId", crypto.randomUUID());
    await next();
  });
  app.use("*", async (c, next) => {
    const route = handlingRoute(c);
    // No route: the 404/405 answer tells nothing a token would protect.
    if (route === null || PUBLIC.has(route) || SIGNED.has(route)) return next();
    return authenticate(c, next);
  });
  app.use("*", async (c, next) => {
    const route = handlingRoute(c);
    // Uploads have their own, larger limit; every other body is JSON and small.
    if (route === UPLOAD) return next();
    const maxSize = route !== null && SIGNED.has(route) ? CALLBACK_BODY_LIMIT : JSON_BODY_LIMIT;
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError(413, "PAYLOAD_TOO_LARGE", `Request body is larger than ${maxSize} bytes`);
      },
    })(c, next);
  });

  app.get("/health", (c) => {
    const missing = missingConfiguration(c.env);
    if (missing.length === 0) return c.json({ ok: true as const }, 200);
    return c.json({ ok: false as const, missing, message: `This deployment is missing ${missing.join(", ")}: no work can start` }, 503);
  });
  // Order matters where patterns overlap: literal prefixes before /{qid}/….
  registerModels(app);
  registerTenants(app);
  registerApiKeys(app);
  registerContents(app);
  registerMedia(app);
  registerCallbacks(app);
  registerProviders(app);
  registerFeeds(app);
  registerStatus(app);
  registerTagging(app);
  registerTags(app);

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Edge Tagger API", version: "1.0.0", description: "A drop-in implementation of the Eluvio Tagger API v1.0.0 on Cloudflare Workers." },
    security: [{ bearer: [] }],
  });

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });

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
