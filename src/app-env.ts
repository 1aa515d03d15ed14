import type { Identity, Principal } from "./auth/principal";

/** Hono's environment for this app: the Worker bindings and per-request variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** Who the verified token says is calling. */
    identity: Identity;
    /** Their tenant roles, read from D1 once per request and only by handlers that need them. */
    loadPrincipal: () => Promise<Principal>;
    requestId: string;
  };
}
