import { z } from "@hono/zod-openapi";
import { checkDestination, OutboundUrlError } from "../net/outbound";
import { MAX_TAGS_PER_PART } from "../limits";
import type { HttpProviderConfig } from "../contract/provider-config";
import { DEFAULT_TIMEOUT_S, ProviderError, type ProviderReply, type ProviderRequest } from "./types";

const box = z.object({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() });
/** A tag as providers send it, in a reply or a callback (times in ms relative to the part). */
export const providerTagSchema = z
  .object({
    start_time: z.number().min(0),
    end_time: z.number().min(0),
    text: z.string(),
    track: z.string().optional(),
    frame_info: z.object({ frame_idx: z.number().int().min(0), box: box.optional() }).optional(),
    additional_info: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((t) => t.end_time >= t.start_time, { message: "end_time must not be before start_time", path: ["end_time"] })
  .openapi("ProviderTag");
/** A part's tags: at most MAX_TAGS_PER_PART, so they fit one D1 batch. */
export const providerTagsSchema = z.array(providerTagSchema).max(MAX_TAGS_PER_PART, `at most ${MAX_TAGS_PER_PART} tags per part`);
export const providerResponseSchema = z.object({ tags: providerTagsSchema });
const acceptedSchema = z.object({ accepted: z.literal(true) });

/**
 * Calls an http provider: `POST {url}/v1/tag`. A 4xx reply or a malformed body is a permanent
 * failure of the part; a 5xx, a 429, a network error or a timeout is transient. `202
 * {"accepted": true}` means the result will come to the request's callback_url.
 */
export async function callHttpProvider(env: Env, config: HttpProviderConfig, request: ProviderRequest): Promise<ProviderReply> {
  const timeoutMs = (config.timeout_s ?? DEFAULT_TIMEOUT_S) * 1000;
  try {
    // The catalog checked the URL when it was set; its name may point elsewhere since.
    await checkDestination(env, config.url, "provider url");
  } catch (e) {
    if (e instanceof OutboundUrlError) throw new ProviderError(`Provider ${config.url} refused: ${e.message}`, false);
    throw e;
  }
  let res: Response;
  try {
    res = await fetch(`${config.url.replace(/\/$/, "")}/v1/tag`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(timeoutMs),
      // A redirect could lead past the address rule: providers answer where they are asked.
      redirect: "manual",
    });
  } catch (e) {
    const err = e as Error;
    const what = err.name === "TimeoutError" ? `timed out after ${timeoutMs / 1000} s` : err.message;
    throw new ProviderError(`Provider ${config.url} ${what}`, true);
  }
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel();
    throw new ProviderError(`Provider answered a redirect (${res.status}); providers must answer at their own URL`, false);
  }
  const text = await res.text();
  if (!res.ok) {
    const detail = text.slice(0, 300);
    throw new ProviderError(`Provider answered ${res.status}: ${detail}`, res.status >= 500 || res.status === 429 || res.status === 408);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ProviderError("Provider answered with a body that is not JSON", false);
  }
  if (res.status === 202) {
    if (!request.callback_url || !acceptedSchema.safeParse(body).success) throw new ProviderError('Provider answered 202 without {"accepted": true}', false);
    return { kind: "accepted" };
  }
  return { kind: "tags", tags: parseProviderTags(body) };
}

/** A result body (`{"tags": [...]}`), from a reply or a callback. */
export function parseProviderTags(body: unknown) {
  const parsed = providerResponseSchema.safeParse(body);
  if (!parsed.success) throw new ProviderError(`Provider answered with a malformed body: ${parsed.error.issues[0]?.message ?? "invalid"}`, false);
  return parsed.data.tags;
}
