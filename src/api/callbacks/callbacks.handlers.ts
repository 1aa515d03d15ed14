import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { ApiError, unauthorized } from "../../errors";
import { runnerByName } from "../../contract/runner";
import { readCallbackToken } from "../../pipeline/callback-url";
import { directIo } from "../../pipeline/part-io";
import { reportTagFailure, storePartTags } from "../../pipeline/part-result";
import { leaseOf, providerState } from "../../pipeline/provider-chain";
import { providerId } from "../../providers/identity";
import type { postCallback as CallbackRoute } from "./callbacks.routes";

export const callbackHandler: RouteHandler<typeof CallbackRoute, AppEnv> = async (c) => {
  const read = await readCallbackToken(c.env, c.req.valid("param").token);
  if (!read.ok) throw unauthorized(read.reason === "expired" ? "Callback URL has expired" : "Callback URL signature is invalid");
  const { j: jobId, r: runnerName, p: partId, a: attempt, v: provider } = read.target;
  const runner = runnerByName(c.env, runnerName);
  const target = await runner.callbackTarget(jobId, partId, attempt);
  const state = providerState(c.env, provider);
  const lease = leaseOf(jobId, partId, attempt);
  if (!target) {
    // Delivered twice, superseded by a later attempt, or the job ended: nothing changes, but the
    // provider is done with the part, so its slot is free (a no-op if it was freed already).
    await state.release(lease);
    throw new ApiError(409, "CALLBACK_NOT_EXPECTED", `Part ${partId} of job ${jobId} no longer waits for this result (already delivered, sent again, or the job ended)`);
  }
  const body = c.req.valid("json");
  // The provider's slot was held while it worked on the part; the result frees it.
  const cooldownMs = (target.init.providers.find((p) => providerId(p) === provider)?.cooldown_s ?? 30) * 1000;
  if ("tags" in body) {
    const stored = await storePartTags(directIo(c.env), runnerName, target.init, target.part, body.tags);
    await state.finish(lease, { ok: true, counts: true }, cooldownMs);
    return c.json({ accepted: true as const, tags: stored.tags }, 200);
  }
  await state.finish(lease, { ok: false, counts: body.transient, error: body.error }, cooldownMs);
  await reportTagFailure(c.env, directIo(c.env), runnerName, target.init, target.part, `Provider reported: ${body.error}`, body.transient);
  return c.json({ accepted: true as const, tags: 0 }, 200);
};
