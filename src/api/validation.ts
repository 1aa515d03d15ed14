import type { Hook } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import { ApiError } from "../errors";
import type { AppEnv } from "../app-env";

/** A zod error as one sentence naming the offending field. */
export function describeZodError(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid request";
  const path = issue.path.join(".");
  if (issue.code === "unrecognized_keys") return `Unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(", ")}`;
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** Every route's validation failure becomes a 400 in the error shape. */
// biome-ignore lint: the hook is generic over every route's input and output types.
// `any`: one hook serves every route, whatever its input and path types; it only reads the result.
export const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (!result.success) throw new ApiError(400, "VALIDATION_ERROR", describeZodError(result.error as ZodError));
};
