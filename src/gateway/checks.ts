import { ApiError } from "../errors";
import { checkDestination, OutboundUrlError } from "../net/outbound";

export const unsupported = (message: string) => new ApiError(400, "UNSUPPORTED_FEATURE", message);

/** Gateway URLs (media and webhooks) obey the outbound-address rule, with the seed's error code. */
export async function checkGatewayUrl(env: Env, url: string, field: string): Promise<void> {
  try {
    await checkDestination(env, url, field);
  } catch (e) {
    if (e instanceof OutboundUrlError) throw new ApiError(400, "SOURCE_URL_FORBIDDEN", e.message);
    throw e;
  }
}

/** meta.client is stored and echoed in every response and webhook: bounded. */
export const MAX_META_CLIENT_BYTES = 16 * 1024;
