import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonResponse } from "../shared.schemas";

export const TokenRequestSchema = z
  .object({
    grant_type: z.literal("client_credentials"),
    client_id: z.string().min(1).max(200).optional(),
    client_secret: z.string().min(1).max(500).optional(),
    audience: z.string().max(500).optional(),
    scope: z.string().max(1000).optional(),
  })
  .strict()
  .openapi("TokenRequest");

export const issueToken = createRoute({
  method: "post",
  path: "/oauth/token",
  tags: ["ai-gateway"],
  operationId: "issueToken",
  summary: "OAuth2 client credentials: get an access token",
  description:
    "`grant_type=client_credentials` with an API key as the client (`client_id` = its id, `client_secret` = its secret, in the form/JSON body or as HTTP Basic). Answers a bearer access token (a JWT, 1 hour) that every route accepts as `Authorization: Bearer …` and that acts for the key's tenant; revoking the key ends it. Errors use this API's error shape with the RFC 6749 codes (`invalid_request`, `invalid_client`, `unsupported_grant_type`).",
  request: {
    body: {
      required: true,
      content: { "application/x-www-form-urlencoded": { schema: TokenRequestSchema }, "application/json": { schema: TokenRequestSchema } },
    },
  },
  responses: {
    200: jsonResponse(z.object({ access_token: z.string(), token_type: z.literal("Bearer"), expires_in: z.number().int() }).openapi("TokenResponse"), "The access token"),
    ...errorResponses(400, 401, 415),
  },
});
