import type { Principal } from "./auth/principal";

/** Hono's environment for this app: the Worker bindings and per-request variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: { principal: Principal; requestId: string };
}
