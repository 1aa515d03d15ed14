import type { Hook } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import { ApiError } from "../errors";
import type { AppEnv } from "../app-env";

/** A zod error as one sentence naming the offending field. */
export function describeZodError(error: ZodError): string {
  return describeIssue(error.issues[0]);
}

type Issue = ZodError["issues"][number];

function describeIssue(found: Issue | undefined, prefix: PropertyKey[] = []): string {
  if (!found) return "Invalid request";
  // A union failed in every branch: name what went wrong in the branch that got furthest.
  if (found.code === "invalid_union" && found.errors.length > 0) {
    const furthest = found.errors
      .map((branch) => branch[0])
      .filter((i): i is Issue => i !== undefined)
      .sort((x, y) => y.path.length - x.path.length || Number(x.code === "unrecognized_keys") - Number(y.code === "unrecognized_keys"))[0];
    if (furthest) return describeIssue(furthest, [...prefix, ...found.path]);
  }
  // A record's key broke its rule: say which rule, of which key.
  if (found.code === "invalid_key" && found.issues[0]) return describeIssue({ ...found.issues[0], path: found.path } as Issue, prefix);
  const issue = { ...found, path: [...prefix, ...found.path] } as Issue;
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") return `Unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(", ")}`;
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** Every route's validation failure becomes a 400 in the error shape. */
// biome-ignore lint: the hook is generic over every route's input and output types.
// `any`: one hook serves every route, whatever its input and path types; it only reads the result.
export const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (!result.success) throw new ApiError(400, "VALIDATION_ERROR", describeZodError(result.error as ZodError));
};
