import { signPayload, verifyPayload } from "../auth/signed-payload";

/**
 * Signed, expiring URLs through which providers read media from R2 (the R2 binding cannot mint
 * presigned URLs). The token names the object key.
 */
export async function signMediaUrl(env: Env, key: string, ttlSeconds = 3600): Promise<string> {
  return `${env.PUBLIC_BASE_URL.replace(/\/$/, "")}/media/${await signPayload(env, "media", { k: key }, ttlSeconds)}`;
}

/** The R2 key a media token grants, or null if the token is forged, malformed or expired. */
export async function verifyMediaToken(env: Env, token: string): Promise<string | null> {
  const v = await verifyPayload<{ k: unknown }>(env, "media", token);
  return v.ok && typeof v.body.k === "string" ? v.body.k : null;
}
