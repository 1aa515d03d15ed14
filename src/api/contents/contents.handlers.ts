import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { contentFor } from "../../auth/content-access";
import { principalOf } from "../../auth/middleware";
import { chooseTenant, isMember, isSystem, type Principal } from "../../auth/principal";
import { db } from "../../db/client";
import { activeModels, modelsRunOn } from "../../db/jobs";
import { type Content, deleteContent, getContent, listContents, putContent } from "../../db/contents";
import { getTenant } from "../../db/tenants";
import { ApiError, badRequest, conflict, forbidden, notFound, tooLarge } from "../../errors";
import { runnerFor } from "../../contract/runner";
import { isoTime } from "../../jobs/time";
import { purgeContentTags } from "../../tagstore/purge";
import { isR2, r2Key } from "../../sources/bytes";
import { signMediaUrl } from "../../sources/media-url";
import { fileKey, sourceOf } from "../../sources/registry";
import { checkSourceUrl } from "../../sources/safe-fetch";
import { uploadProblem } from "../../sources/upload-check";
import { isReservedContentId, RESERVED_CONTENT_IDS } from "../reserved-words";
import { QID_PATTERN } from "../shared.schemas";
import { filePath } from "./contents.schemas";
import type { deleteContent as DeleteRoute, getContent as GetRoute, listContents as ListRoute, playContent as PlayRoute, putContent as PutRoute } from "./contents.routes";

export const toContentJson = (c: Content) => ({
  qid: c.qid,
  tenant: c.tenant_id,
  title: c.title,
  streams: c.streams,
  assets: c.assets,
  part_duration: c.part_duration_ms / 1000,
  origin: c.origin,
  created_by: c.created_by,
  created_at: isoTime(c.created_at),
  updated_at: isoTime(c.updated_at),
});


export const putContentHandler: RouteHandler<typeof PutRoute, AppEnv> = async (c) => {
  const principal = await principalOf(c);
  const { qid } = c.req.valid("param");
  const body = c.req.valid("json");
  if (isReservedContentId(qid)) {
    throw badRequest(`Content id ${qid} is reserved for the service's own routes; these cannot be content ids: ${RESERVED_CONTENT_IDS.join(", ")}`, "RESERVED_ID");
  }
  const d = db(c.env);
  const existing = await getContent(d, qid);
  if (existing && !isMember(principal, existing.tenant_id)) throw forbidden(`Content ${qid} belongs to another tenant`);
  if (existing && body.tenant && body.tenant !== existing.tenant_id) throw badRequest("A content cannot move to another tenant");
  if (existing?.origin === "fabric") throw conflict(`Content ${qid} is read from the content fabric; it cannot also be registered here (delete it first)`);
  const tenant = existing?.tenant_id ?? chooseTenant(principal, body.tenant);
  if (!(await getTenant(d, tenant))) throw notFound(`Tenant ${tenant} not found`);
  for (const [name, s] of Object.entries(body.streams)) if (s.url) await checkSourceUrl(s.url, c.env, `streams.${name}.url`);
  for (const [path, a] of Object.entries(body.assets ?? {})) if (a.url) await checkSourceUrl(a.url, c.env, `assets.${path}.url`);
  const now = Date.now();
  const content: Content = {
    qid,
    tenant_id: tenant,
    title: body.title,
    streams: body.streams,
    assets: body.assets ?? {},
    part_duration_ms: Math.round(body.part_duration * 1000),
    origin: "registry",
    created_by: existing?.created_by ?? principal.address,
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
  await putContent(d, content);
  return c.json(toContentJson(content), existing ? 200 : 201);
};

export const getContentHandler: RouteHandler<typeof GetRoute, AppEnv> = async (c) => {
  const content = await contentFor(c.env, await principalOf(c), c.req.valid("param").qid);
  return c.json(toContentJson(content), 200);
};

export const listContentsHandler: RouteHandler<typeof ListRoute, AppEnv> = async (c) => {
  const p = await principalOf(c);
  const q = c.req.valid("query");
  const start = q.start ?? 0;
  const limit = Math.min(q.limit ?? 100, 1000);
  const { contents, total } = await listContents(db(c.env), isSystem(p) ? null : [...p.roles.keys()], start, limit, q.sort);
  return c.json({ contents: contents.map(toContentJson), meta: { total, start, limit, count: contents.length } }, 200);
};

export const deleteContentHandler: RouteHandler<typeof DeleteRoute, AppEnv> = async (c) => {
  const { qid } = c.req.valid("param");
  await contentFor(c.env, await principalOf(c), qid);
  if ((await activeModels(db(c.env), qid)).length > 0) throw conflict(`Content ${qid} has running jobs: stop them first`);
  // Everything the id stood for goes before the id itself, so a failure part-way leaves a
  // content that can be deleted again, never an id another tenant could take over with data behind it.
  const models = await modelsRunOn(db(c.env), qid);
  const forgotten = await Promise.all(models.map((m) => runnerFor(c.env, qid, m).forget()));
  if (forgotten.includes(false)) throw conflict(`Content ${qid} has running jobs: stop them first`);
  await purgeContentTags(c.env, qid);
  // Uploaded files and the media fetched for it (cached parts are keyed by content id).
  for (const prefix of [fileKey(qid, ""), `media/${qid}/`]) await deletePrefix(c.env.BUCKET, prefix);
  await deleteContent(db(c.env), qid);
  return c.body(null, 204);
};

async function deletePrefix(bucket: R2Bucket, prefix: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor });
    if (page.objects.length) await bucket.delete(page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}

/** Streams the raw body into R2 under the content's files, refusing bodies over the limit with 413. */
export async function uploadFileHandler(c: Context<AppEnv>) {
  const qid = c.req.param("qid") ?? "";
  const path = c.req.param("path") ?? "";
  if (!QID_PATTERN.test(qid)) throw badRequest("qid: must be a content id");
  if (!filePath.safeParse(path).success) throw badRequest("path: must be a relative path of letters, digits, '_', '.', '-', '/'");
  await contentFor(c.env, await principalOf(c), qid);
  const max = Number(c.env.MAX_UPLOAD_BYTES);
  const lengthHeader = c.req.header("content-length");
  if (lengthHeader === undefined) throw new ApiError(411, "LENGTH_REQUIRED", "Uploads need a Content-Length header");
  const length = Number(lengthHeader);
  if (!Number.isInteger(length) || length < 0) throw badRequest("Content-Length must be a whole number of bytes");
  if (length > max) throw tooLarge(`File is ${length} bytes; the limit is ${max} bytes`);
  const body = c.req.raw.body;
  if (!body || length === 0) throw badRequest("The file is empty");
  const contentType = c.req.header("content-type") ?? "application/octet-stream";
  const key = fileKey(qid, path);
  const obj = await c.env.BUCKET.put(key, body.pipeThrough(new FixedLengthStream(length)), { httpMetadata: { contentType } });
  // Media is checked on arrival, so a file no job could read is refused now, not by a job later.
  const problem = await uploadProblem(c.env, key, path, length);
  if (problem) {
    await c.env.BUCKET.delete(key);
    throw new ApiError(422, "UNREADABLE_MEDIA", `${path} was not stored: ${problem}`);
  }
  return c.json({ path, size: obj?.size ?? length, etag: obj?.etag ?? "" }, 201);
}

/** Uploaded MP4s get a signed media URL; URL sources play from where they are. An uploaded HLS playlist's relative segments cannot each be signed: 409. */
export const playContentHandler: RouteHandler<typeof PlayRoute, AppEnv> = async (c) => {
  const content = await contentFor(c.env, await principalOf(c), c.req.valid("param").qid);
  const { stream } = c.req.valid("query");
  const spec = content.streams[stream];
  if (!spec) throw notFound(`Content ${content.qid} has no stream ${stream}`, "STREAM_NOT_FOUND");
  // Fabric media needs a fabric token to play: the player reads it from the fabric itself.
  if (content.origin === "fabric") throw new ApiError(409, "NOT_PLAYABLE", `Content ${content.qid} lives in the content fabric: play it from the fabric`);
  const source = sourceOf(content.qid, spec);
  const hls = /\.m3u8?(\?|$)/i.test(spec.url ?? spec.file ?? "");
  if (!isR2(source)) return c.json({ url: source, type: hls ? ("hls" as const) : ("mp4" as const) }, 200);
  if (hls) throw new ApiError(409, "NOT_PLAYABLE", "An uploaded HLS playlist cannot be played through signed URLs; register the stream by URL to play it");
  return c.json({ url: await signMediaUrl(c.env, r2Key(source), 6 * 3600), type: "mp4" as const }, 200);
};
