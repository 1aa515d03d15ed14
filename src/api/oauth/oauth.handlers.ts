import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { BasicAuthError, hashSecret, parseBasic, sameDigest } from "../../auth/api-key";
import { ACCESS_TOKEN_TTL_S, issueAccessToken, OAUTH_AUDIENCE } from "../../auth/oauth-token";
import { activeApiKey } from "../../db/api-keys";
import { db } from "../../db/client";
import { ApiError } from "../../errors";
import { describeZodError } from "../validation";
import { TokenRequestSchema } from "./oauth.routes";

const oauthError = (status: 400 | 401, code: string, message: string) => new ApiError(status, code, message);

/** The body as a form or JSON, the two ways OAuth clients send it. */
async function requestBody(c: Context<AppEnv>): Promise<unknown> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(await c.req.text()));
  if (type === "application/json") {
    try {
      return await c.req.json();
    } catch {
      throw oauthError(400, "invalid_request", "The body is not valid JSON");
    }
  }
  throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the token request as application/x-www-form-urlencoded or application/json");
}

/** POST /oauth/token: client credentials (an API key) for a short-lived bearer token. */
export async function issueTokenHandler(c: Context<AppEnv>) {
  const parsed = TokenRequestSchema.safeParse(await requestBody(c));
  if (!parsed.success) {
    const grant = parsed.error.issues.some((i) => i.path[0] === "grant_type");
    throw grant ? oauthError(400, "unsupported_grant_type", "grant_type must be client_credentials") : oauthError(400, "invalid_request", describeZodError(parsed.error));
  }
  const body = parsed.data;
  if (body.audience !== undefined && body.audience !== OAUTH_AUDIENCE) throw oauthError(400, "invalid_request", `audience must be ${OAUTH_AUDIENCE} (or omitted)`);
  let id = body.client_id;
  let secret = body.client_secret;
  const basic = c.req.header("authorization");
  if (basic?.toLowerCase().startsWith("basic ")) {
    try {
      ({ id, secret } = parseBasic(basic.slice(6).trim()));
    } catch (e) {
      throw oauthError(401, "invalid_client", e instanceof BasicAuthError ? e.message : "Invalid Basic credentials");
    }
  }
  if (!id || !secret) throw oauthError(401, "invalid_client", "client_id and client_secret are required (in the body or as HTTP Basic)");
  const key = await activeApiKey(db(c.env), id);
  if (!key || !sameDigest(hashSecret(secret), key.secret_hash)) throw oauthError(401, "invalid_client", "Unknown or revoked client, or wrong secret");
  c.header("Cache-Control", "no-store");
  return c.json({ access_token: await issueAccessToken(c.env, key.id), token_type: "Bearer" as const, expires_in: ACCESS_TOKEN_TTL_S }, 200);
}
