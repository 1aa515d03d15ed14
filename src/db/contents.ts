import { and, asc, desc, count, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "./client";
import { contents, type ContentRow } from "./schema";

export interface StreamSpec {
  url?: string;
  file?: string;
  language?: string;
  channels?: number;
}
export interface AssetSpec {
  url?: string;
  file?: string;
}

export interface Content {
  qid: string;
  tenant_id: string;
  title: string;
  streams: Record<string, StreamSpec>;
  assets: Record<string, AssetSpec>;
  part_duration_ms: number;
  /** `fabric`: an Eluvio content whose streams and assets are read through its tenant's fabric (src/sources/fabric). */
  origin: "registry" | "fabric" | "gateway";
  created_by: string;
  created_at: number;
  updated_at: number;
}

const fromRow = (r: ContentRow): Content => ({
  ...r,
  streams: JSON.parse(r.streams) as Record<string, StreamSpec>,
  assets: JSON.parse(r.assets) as Record<string, AssetSpec>,
});

export async function getContent(d: Db, qid: string): Promise<Content | undefined> {
  const row = (await d.select().from(contents).where(eq(contents.qid, qid)).limit(1))[0];
  return row && fromRow(row);
}

export async function putContent(d: Db, c: Content): Promise<void> {
  const row = { ...c, streams: JSON.stringify(c.streams), assets: JSON.stringify(c.assets) };
  await d
    .insert(contents)
    .values(row)
    .onConflictDoUpdate({
      target: contents.qid,
      set: { title: row.title, streams: row.streams, assets: row.assets, part_duration_ms: row.part_duration_ms, updated_at: row.updated_at },
    });
}

export async function deleteContent(d: Db, qid: string): Promise<void> {
  await d.delete(contents).where(eq(contents.qid, qid));
}

/** Offset paging over the caller's tenants, in qid order. */
/** How the content list may be ordered: a field, `-` first for descending (default: by id). */
export const CONTENT_SORTS = ["qid", "-qid", "title", "-title", "created_at", "-created_at"] as const;
export type ContentSort = (typeof CONTENT_SORTS)[number];

export async function listContents(d: Db, tenantIds: string[] | null, start: number, limit: number, sort: ContentSort = "qid") {
  // The AI Gateway's hidden contents (gw-<job id>) are reached through their gateway job, not listed.
  const visible = ne(contents.origin, "gateway");
  const where = tenantIds === null ? visible : and(visible, inArray(contents.tenant_id, tenantIds.length ? tenantIds : ["\u0000"]));
  const column = { qid: contents.qid, title: contents.title, created_at: contents.created_at }[sort.replace(/^-/, "") as "qid"];
  const order = sort.startsWith("-") ? [desc(column), desc(contents.qid)] : [asc(column), asc(contents.qid)];
  const [rows, total] = await Promise.all([
    d.select().from(contents).where(where).orderBy(...order).limit(limit).offset(start),
    d.select({ n: count() }).from(contents).where(where),
  ]);
  return { contents: rows.map(fromRow), total: total[0]?.n ?? 0 };
}

