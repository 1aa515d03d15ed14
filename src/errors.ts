import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An error a client caused or may see; the app's onError turns it into `{"error": {code, message}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const badRequest = (message: string, code = "BAD_REQUEST") => new ApiError(400, code, message);
export const unauthorized = (message: string) => new ApiError(401, "UNAUTHORIZED", message);
export const forbidden = (message: string) => new ApiError(403, "FORBIDDEN", message);
export const notFound = (message: string, code = "NOT_FOUND") => new ApiError(404, code, message);
export const conflict = (message: string) => new ApiError(409, "CONFLICT", message);
export const tooLarge = (message: string) => new ApiError(413, "PAYLOAD_TOO_LARGE", message);
