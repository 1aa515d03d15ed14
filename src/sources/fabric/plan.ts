import type { Content } from "../../db/contents";
import type { ModelType, Scope } from "../../jobs/options";
import { overlapsWindow, timePartId } from "../../jobs/parts";
import type { PartRef } from "../../contract/part";
import { checkPartCount, chunkParts, imageType, type Plan } from "../registry";
import { FetchError } from "../safe-fetch";
import { tenantFabricAccess } from "./access";
import { contentMeta, contentObject, fileUrl, partDownloadUrl } from "./client";
import { readFabricStream } from "./content";
import { imageAssets } from "./offering";
import { asFetchError } from "./as-fetch-error";

/**
 * Lists the parts of a fabric content that a scope covers, read with the tenant's credential
 * from the content's current version: each mezzanine part of a stream (video scope), time
 * chunks over the parts they overlap (processor), or image files (assets). Livestreams have no
 * list: their segments are read as they come (live.ts).
 */
export async function planFabricParts(env: Env, content: Content, scope: Scope, modelType: ModelType): Promise<Plan> {
  try {
    if (scope.type === "livestream") return { parts: [], live: true };
    const access = await tenantFabricAccess(env, content.tenant_id);
    const { hash } = await contentObject(env, access, content.qid);
    if (scope.type === "assets") {
      const all = imageAssets(await contentMeta(env, access, hash, "assets"));
      const paths = scope.assets ?? all;
      const parts = paths.map((path, idx): PartRef => {
        if (!all.includes(path)) throw new FetchError(`Asset ${path} not found in content ${content.qid}`, false);
        return { id: path, idx, start_ms: 0, duration_ms: 0, kind: "image", source: fileUrl(access.base, hash, path), content_type: imageType(path), auth: "fabric" };
      });
      return { parts, live: false };
    }
    const stream = await readFabricStream(env, access, hash, scope.stream);
    const contentType = stream.codec_type === "audio" || modelType === "audio" ? "audio/mp4" : "video/mp4";
    const end = stream.parts.at(-1)!.start_ms + stream.parts.at(-1)!.duration_ms;
    if (scope.type === "processor") {
      // The registry's chunks, each carrying the fabric parts it overlaps (fetched for the processor).
      const parts = chunkParts(scope, end, "", contentType).map((chunk): PartRef => {
        const pieces = stream.parts
          .filter((p) => p.start_ms < chunk.start_ms + chunk.duration_ms && p.start_ms + p.duration_ms > chunk.start_ms)
          .map((p) => ({ source: partDownloadUrl(access.base, hash, p.hash), start_ms: p.start_ms, duration_ms: p.duration_ms }));
        return { ...chunk, source: pieces[0]!.source, concat: pieces, auth: "fabric" };
      });
      return { parts, live: false };
    }
    const inScope = stream.parts.filter((p) => overlapsWindow(p.start_ms, p.duration_ms, scope.start_time, scope.end_time));
    checkPartCount(inScope.length, `Stream ${scope.stream}`);
    const parts = inScope.map(
      (p, idx): PartRef => ({
        id: timePartId(scope.stream, p.start_ms, p.start_ms + p.duration_ms),
        idx,
        start_ms: p.start_ms,
        duration_ms: p.duration_ms,
        kind: "segment",
        source: partDownloadUrl(access.base, hash, p.hash),
        content_type: contentType,
        auth: "fabric",
      }),
    );
    return { parts, live: false };
  } catch (e) {
    return asFetchError(e);
  }
}
