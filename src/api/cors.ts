import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "../app-env";

/**
 * Which origin may read an answer: any (`*`, as Eluvio's tagger answers) unless the deployment
 * lists its origins in CORS_ORIGINS (comma-separated), when only those are named back.
 */
export function allowedOrigin(configured: string | undefined, origin: string): string | null {
  const list = (configured ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  if (list.length === 0) return "*";
  return list.includes(origin) ? origin : null;
}

/**
 * CORS on every route (the feeds' HTTP side included): preflights answer 204 with the methods
 * and the Authorization and Content-Type headers before any token is asked for.
 */
export function corsPolicy(): MiddlewareHandler<AppEnv> {
  return cors({
    origin: (origin, c) => allowedOrigin((c.env as Env).CORS_ORIGINS, origin),
    allowMethods: ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type"],
    exposeHeaders: ["Content-Disposition", "Allow"],
    maxAge: 600,
  });
}
