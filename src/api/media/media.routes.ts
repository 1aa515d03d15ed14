import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { mediaHandler } from "./media.handlers";

/** Signed, expiring media URLs that providers read parts from (not part of the public API document). */
export function registerMedia(app: OpenAPIHono<AppEnv>) {
  app.get("/media/:token", mediaHandler);
}
