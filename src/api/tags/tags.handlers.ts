import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { contentFor, tagStoreRef } from "../../auth/content-access";
import { principalOf } from "../../auth/middleware";
import { badRequest, notFound } from "../../errors";
import { exportTags, srtCue, vttCue, vttHeader } from "../../tagstore/export";
import { findTags, listTracks } from "../../tagstore/read";
import { tagFacets } from "../../tagstore/search";
import type { tagFacets as FacetsRoute, tagsExport as ExportRoute, tagsList as TagsRoute, tracks as TracksRoute } from "./tags.routes";

export const listTracksHandler: RouteHandler<typeof TracksRoute, AppEnv> = async (c) => {
  const content = await contentFor(c.env, await principalOf(c), c.req.valid("param").qid);
  return c.json({ tracks: await listTracks(c.env, tagStoreRef(content)) }, 200);
};

const MAX_LIMIT = 1000;

export const listTagsHandler: RouteHandler<typeof TagsRoute, AppEnv> = async (c) => {
  const { qid } = c.req.valid("param");
  const content = await contentFor(c.env, await principalOf(c), qid);
  const q = c.req.valid("query");
  if (q.start_time !== undefined && q.end_time !== undefined && q.end_time < q.start_time) throw badRequest("end_time must not be before start_time");
  const start = q.start ?? 0;
  const limit = Math.min(q.limit ?? 100, MAX_LIMIT);
  const { tags, total } = await findTags(c.env, tagStoreRef(content), q, start, limit);
  return c.json({ tags, meta: { total, start, limit, count: tags.length } }, 200);
};

/** Streams the export a page at a time, so a content with many tags never sits whole in memory. */
export const exportTagsHandler: RouteHandler<typeof ExportRoute, AppEnv> = async (c) => {
  const { qid } = c.req.valid("param");
  const { format, track } = c.req.valid("query");
  const content = await contentFor(c.env, await principalOf(c), qid);
  if (format !== "json" && !track) throw badRequest(`A ${format.toUpperCase()} export is one track: pass ?track=`);
  if (track && !(await listTracks(c.env, tagStoreRef(content))).some((t) => t.name === track)) throw notFound(`Content ${qid} has no track ${track}`, "TRACK_NOT_FOUND");
  const env = c.env;
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        let n = 0;
        if (format === "json") controller.enqueue(enc.encode(`{"qid":${JSON.stringify(qid)},"exported_at":${JSON.stringify(new Date().toISOString())},"tags":[`));
        else if (format === "vtt") controller.enqueue(enc.encode(vttHeader(`${content.title} (${track})`)));
        for await (const page of exportTags(env, tagStoreRef(content), track)) {
          let chunk = "";
          for (const t of page) {
            n++;
            if (format === "vtt") chunk += vttCue(t, n);
            else if (format === "srt") chunk += srtCue(t, n);
            else {
              const tag = { ...t, frame_info: t.frame_info ? JSON.parse(t.frame_info) : null, additional_info: t.additional_info ? JSON.parse(t.additional_info) : null };
              chunk += `${n > 1 ? "," : ""}${JSON.stringify(tag)}`;
            }
          }
          controller.enqueue(enc.encode(chunk));
        }
        if (format === "json") controller.enqueue(enc.encode("]}"));
        controller.close();
      } catch (e) {
        console.error(`export of ${qid} failed`, e);
        controller.error(e);
      }
    },
  });
  const type = { vtt: "text/vtt; charset=utf-8", srt: "application/x-subrip; charset=utf-8", json: "application/json" }[format];
  const name = `${qid}${track ? `-${track}` : ""}.${format}`.replace(/[^\w.-]/g, "_");
  // A streamed file, not a JSON body c.json() could type: the route's typed response cannot describe it.
  return new Response(body, { status: 200, headers: { "content-type": type, "content-disposition": `attachment; filename="${name}"` } }) as never;
};

export const tagFacetsHandler: RouteHandler<typeof FacetsRoute, AppEnv> = async (c) => {
  const { qid } = c.req.valid("param");
  const content = await contentFor(c.env, await principalOf(c), qid);
  const { track, top } = c.req.valid("query");
  return c.json({ qid, tracks: await tagFacets(c.env, tagStoreRef(content), top ?? 50, track) }, 200);
};
