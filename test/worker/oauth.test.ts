import { describe, expect, it } from "vitest";
import { bytesToBase64 } from "../../src/auth/token";
import { ADMIN, call, expectError, json, type ApiBody } from "./helpers";

/** POST /oauth/token: OAuth2 client credentials (an API key) for a bearer access token, the AI Gateway's scheme. */
describe("OAuth2 client credentials", () => {
  const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    call("POST", "/oauth/token", { raw: new URLSearchParams(fields).toString(), headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });

  it("issues a short-lived bearer token for an API key, which acts for the key's tenant until the key is revoked", async () => {
    await json(await call("PUT", "/tenants/oauthco", { token: ADMIN, body: { name: "OAuth Co" } }), 201);
    const key = await json<ApiBody>(await call("POST", "/tenants/oauthco/api-keys", { token: ADMIN, body: { name: "sdk", role: "admin" } }), 201);

    const res = await form({ grant_type: "client_credentials", client_id: key.id, client_secret: key.secret });
    const issued = await json<ApiBody>(res, 200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(issued).toEqual({ access_token: expect.stringMatching(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/), token_type: "Bearer", expires_in: 3600 });
    // JSON and HTTP Basic work too.
    await json(await call("POST", "/oauth/token", { body: { grant_type: "client_credentials", client_id: key.id, client_secret: key.secret } }), 200);
    await json(await form({ grant_type: "client_credentials" }, { authorization: `Basic ${bytesToBase64(new TextEncoder().encode(`${key.id}:${key.secret}`))}` }), 200);

    // The token is the key: it reaches the tenant's routes, and no other tenant's.
    const members = await json<ApiBody>(await call("GET", "/tenants/oauthco/members", { token: issued.access_token }), 200);
    expect(members.tenant.id).toBe("oauthco");
    await json(await call("PUT", "/tenants/oauth-other", { token: ADMIN, body: { name: "Other" } }), 201);
    await expectError(await call("GET", "/tenants/oauth-other/members", { token: issued.access_token }), 403);
    // Never in a URL; a forged or altered token is refused.
    await expectError(await call("GET", `/tenants/oauthco/members?authorization=${issued.access_token}`), 401);
    const [h, p, s] = (issued.access_token as string).split(".");
    await expectError(await call("GET", "/tenants/oauthco/members", { token: `${h}.${p}.${s!.slice(0, -2)}AA` }), 401, "UNAUTHORIZED", /not valid/);
    const forgedPayload = btoa(JSON.stringify({ iss: "edge-tagger", aud: "edge-tagger-api", sub: key.id, exp: 9_999_999_999 })).replace(/=+$/, "");
    await expectError(await call("GET", "/tenants/oauthco/members", { token: `${h}.${forgedPayload}.${s}` }), 401);

    // Revoking the key ends its tokens at once.
    await json(await call("DELETE", `/tenants/oauthco/api-keys/${key.id}`, { token: ADMIN }), 204);
    await expectError(await call("GET", "/tenants/oauthco/members", { token: issued.access_token }), 401, "UNAUTHORIZED", /revoked/);
    await expectError(await form({ grant_type: "client_credentials", client_id: key.id, client_secret: key.secret }), 401, "invalid_client");
  });

  it("refuses bad token requests with OAuth's error codes in this API's error shape", async () => {
    await json(await call("PUT", "/tenants/oauthco2", { token: ADMIN, body: { name: "OAuth Co 2" } }), 201);
    const key = await json<ApiBody>(await call("POST", "/tenants/oauthco2/api-keys", { token: ADMIN, body: { name: "sdk" } }), 201);
    await expectError(await form({ grant_type: "client_credentials", client_id: key.id, client_secret: "wrong" }), 401, "invalid_client");
    await expectError(await form({ grant_type: "client_credentials", client_id: "ak_0000000000000000", client_secret: "x" }), 401, "invalid_client");
    await expectError(await form({ grant_type: "client_credentials" }), 401, "invalid_client");
    await expectError(await form({ grant_type: "password", client_id: key.id, client_secret: key.secret }), 400, "unsupported_grant_type");
    await expectError(await form({ grant_type: "client_credentials", client_id: key.id, client_secret: key.secret, audience: "someone-else" }), 400, "invalid_request");
    await expectError(await form({ grant_type: "client_credentials", client_id: key.id, client_secret: key.secret, extra: "1" }), 400, "invalid_request", /extra/);
    await expectError(await call("POST", "/oauth/token", { raw: "{bad", headers: { "content-type": "application/json" } }), 400, "invalid_request");
    await expectError(await call("POST", "/oauth/token", { raw: "grant_type=client_credentials", headers: { "content-type": "text/plain" } }), 415);
  });
});
