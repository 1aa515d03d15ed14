import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { ApiError, notFound, unauthorized } from "../../errors";
import { verifyMediaToken } from "../../sources/media-url";

function parseRange(header: string | undefined, size: number): { offset: number; length: number } | null | "invalid" {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return "invalid";
  if (m[1] === "") {
    // A suffix range of zero bytes, or of an empty object, selects nothing (RFC 9110 14.1.2).
    const n = Math.min(Number(m[2]), size);
    if (n === 0) return "invalid";
    return { offset: size - n, length: n };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return "invalid";
  return { offset: start, length: end - start + 1 };
}

/** Serves an R2 object to whoever holds a valid token, with byte ranges (ffmpeg seeks with them). */
export async function mediaHandler(c: Context<AppEnv>) {
  const key = await verifyMediaToken(c.env, c.req.param("token") ?? "");
  if (!key) throw unauthorized("Media URL signature is invalid or expired");
  const head = await c.env.BUCKET.head(key);
  if (!head) throw notFound("Media not found");
  const range = parseRange(c.req.header("range"), head.size);
  if (range === "invalid") throw new ApiError(416, "RANGE_NOT_SATISFIABLE", `Range not satisfiable (size ${head.size})`);
  const obj = await c.env.BUCKET.get(key, range ? { range } : undefined);
  if (!obj) throw notFound("Media not found");
  const headers = new Headers({ "accept-ranges": "bytes", "content-type": head.httpMetadata?.contentType ?? "application/octet-stream" });
  if (range) {
    headers.set("content-range", `bytes ${range.offset}-${range.offset + range.length - 1}/${head.size}`);
    headers.set("content-length", String(range.length));
    return new Response(obj.body, { status: 206, headers });
  }
  headers.set("content-length", String(head.size));
  return new Response(obj.body, { status: 200, headers });
}
