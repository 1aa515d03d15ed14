import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { ApiError, unauthorized } from "../../errors";
import { runnerByName } from "../../jobs/runner-client";
import { readCallbackToken } from "../../pipeline/callback-url";
import { reportTagFailure, storePartTags } from "../../pipeline/part-result";
import type { postCallback as CallbackRoute } from "./callbacks.routes";

export const callbackHandler: RouteHandler<typeof CallbackRoute, AppEnv> = async (c) => {
  const read = await readCallbackToken(c.env, c.req.valid("param").token);
  if (!read.ok) throw unauthorized(read.reason === "expired" ? "Callback URL has expired" : "Callback URL signature is invalid");
  const { j: jobId, r: runnerName, p: partId, a: attempt } = read.target;
  const runner = runnerByName(c.env, runnerName);
  const target = await runner.callbackTarget(jobId, partId, attempt);
  // Delivered twice, superseded by a later attempt, or the job ended: nothing changes.
  if (!target) throw new ApiError(409, "CALLBACK_NOT_EXPECTED", `Part ${partId} of job ${jobId} no longer waits for this result (already delivered, sent again, or the job ended)`);
  const body = c.req.valid("json");
  if ("tags" in body) {
    const stored = await storePartTags(c.env, runner, target.init, target.part, body.tags);
    return c.json({ accepted: true as const, tags: stored }, 200);
  }
  await reportTagFailure(c.env, runner, target.init, target.part, `Provider reported: ${body.error}`, body.transient);
  return c.json({ accepted: true as const, tags: 0 }, 200);
};
