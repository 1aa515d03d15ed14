import { type FabricAccess, contentMeta, contentObject } from "./client";
import { imageAssets, OfferingError, legacyStream, modernStream, streamNames, type FabricStream } from "./offering";

/** What the service needs to know of a fabric content when a job starts on it. */
export interface FabricContent {
  /** The version read (hq__…): parts and files are read from it. */
  hash: string;
  title: string;
  streams: string[];
  assets: string[];
  live: boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A live stream object's streams, from its probe (`live_recording_config/probe_info/streams`). */
function liveStreams(config: Json): string[] {
  const probe = isObject(config.probe_info) && Array.isArray(config.probe_info.streams) ? config.probe_info.streams : [];
  const kinds = new Set(probe.map((s) => (isObject(s) ? s.codec_type : undefined)));
  const names = [...(kinds.has("video") || kinds.size === 0 ? ["video"] : []), ...(kinds.has("audio") ? ["audio"] : [])];
  return names;
}

/**
 * Reads a fabric content's title, streams, image assets and whether it is a live stream object
 * (it has `live_recording_config`), with the given access.
 */
export async function readFabricContent(env: Env, access: FabricAccess, qid: string): Promise<FabricContent> {
  const { hash } = await contentObject(env, access, qid);
  const [pub, playout, assets, liveConfig] = await Promise.all([
    contentMeta(env, access, hash, "public"),
    contentMeta(env, access, hash, "offerings/default/playout/streams", true),
    contentMeta(env, access, hash, "assets"),
    contentMeta(env, access, hash, "live_recording_config"),
  ]);
  const live = isObject(liveConfig);
  const legacy = live || isObject(playout) ? null : await contentMeta(env, access, hash, "offerings/default/media_struct/streams", true);
  const meta = isObject(pub) ? pub : {};
  const assetMeta = isObject(meta.asset_metadata) ? meta.asset_metadata : {};
  const title = [assetMeta.title, meta.name].find((t): t is string => typeof t === "string" && t.length > 0) ?? qid;
  return {
    hash,
    title: title.slice(0, 500),
    streams: live ? liveStreams(liveConfig) : streamNames(playout, legacy),
    assets: imageAssets(assets),
    live,
  };
}

/** A VOD stream's parts: the modern offering (transcodes + playout), else the legacy media struct. */
export async function readFabricStream(env: Env, access: FabricAccess, hash: string, stream: string): Promise<FabricStream> {
  const [transcodes, playout] = await Promise.all([contentMeta(env, access, hash, "transcodes", true), contentMeta(env, access, hash, "offerings/default/playout/streams", true)]);
  const modern = transcodes !== null ? modernStream(transcodes, playout, stream) : null;
  if (modern) return modern;
  const legacy = legacyStream(await contentMeta(env, access, hash, "offerings/default/media_struct/streams", true), stream);
  if (legacy) return legacy;
  throw new OfferingError(`Stream ${stream} not found in the content's default offering`);
}
