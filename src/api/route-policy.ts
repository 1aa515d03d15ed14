import type { RouteConfig } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../app-env";
import { MAX_JSON_BODY_BYTES } from "../limits";

/**
 * Who may call a route and how large its body may be, declared by the route group that binds
 * it (`<group>.index.ts`) and read by app.ts for the route that actually handles a request,
 * never from the path: `/media/tags/export` is handled by `/{qid}/tags/export`.
 */
export interface RoutePolicy {
  /** token: a verified token (the default); public: anyone; signed: the URL is its own credential. */
  access: "token" | "public" | "signed";
  /** Largest body accepted before the handler runs; null: the handler streams and limits it itself. */
  maxBodyBytes: number | null;
}

export const DEFAULT_POLICY: RoutePolicy = { access: "token", maxBodyBytes: MAX_JSON_BODY_BYTES };

const POLICY = Symbol("route policy");
type PolicyMarker = MiddlewareHandler<AppEnv> & { [POLICY]: RoutePolicy };

/** A middleware that does nothing but carry the policy: the first handler of its route. */
export function routePolicy(policy: Partial<RoutePolicy>): PolicyMarker {
  const marker: MiddlewareHandler<AppEnv> = (_c, next) => next();
  return Object.assign(marker, { [POLICY]: { ...DEFAULT_POLICY, ...policy } });
}

/**
 * The OpenAPI route with its policy attached (zod-openapi runs route middleware before
 * validation); a route that needs no token says so in the document too (`security: []`).
 */
export function withPolicy<R extends RouteConfig>(route: R, policy: Partial<RoutePolicy>): R {
  const open = policy.access !== undefined && policy.access !== "token";
  return { ...route, ...(open ? { security: [] } : {}), middleware: [routePolicy(policy)] };
}

/**
 * The policy of the route that handles this request (the first route Hono matched, whose first
 * handler carries its policy if it declared one), or null when no route matches (a 404/405).
 */
export function policyOf(c: Context<AppEnv>): RoutePolicy | null {
  const first = matchedRoutes(c).find((r) => r.method !== "ALL");
  if (!first) return null;
  const handler = first.handler as Partial<PolicyMarker>;
  return handler[POLICY] ?? DEFAULT_POLICY;
}
