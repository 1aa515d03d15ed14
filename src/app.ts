import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
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

/** GET routes that answer without a token: the catalog, the API document, signed media and health. */
const PUBLIC = [/^\/models(\/[^/]+)?\/?$/, /^\/openapi\.json$/, /^\/media\//, /^\/health$/];
/** Routes whose signed URL is their credential: providers' result callbacks. */
const SIGNED = [/^\/callbacks\//];

export function buildApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use("*", async (c, next) => {
    c.set("requestId", crypto.randomUUID());
    await next();
  });
  app.use("*", async (c, next) => {
    const open = (PUBLIC.some((re) => re.test(c.req.path)) && c.req.method === "GET") || SIGNED.some((re) => re.test(c.req.path));
    if (open) return next();
    return authenticate(c, next);
  });
  app.use("*", async (c, next) => {
    // Uploads have their own, larger limit; every other body is JSON and small.
    if (/^\/contents\/[^/]+\/files\//.test(c.req.path)) return next();
    const maxSize = SIGNED.some((re) => re.test(c.req.path)) ? CALLBACK_BODY_LIMIT : JSON_BODY_LIMIT;
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError(413, "PAYLOAD_TOO_LARGE", `Request body is larger than ${maxSize} bytes`);
      },
    })(c, next);
  });

  app.get("/health", (c) => c.json({ ok: true }));
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
