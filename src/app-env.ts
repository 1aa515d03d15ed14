import type { AuthVariables } from "./auth/middleware";

/** Hono's environment for this app: the Worker bindings and per-request variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: AuthVariables & {
    requestId: string;
  };
}
