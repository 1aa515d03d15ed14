/*
 * Tag search across contents: the FTS5 index of migration 0014 for text (word prefixes, case
 * and accents folded), plain columns for the rest. Only current tags of registered contents
 * (not the gateway's hidden ones) of the tenants given are searched.
 */

export interface SearchQuery {
  text?: string;
  track?: string;
  model?: string;
  qid?: string;
  min_confidence?: number;
  start_time?: number;
  end_time?: number;
  has_box?: boolean;
  sort: SearchSort;
}

export const SEARCH_SORTS = ["relevance", "start_time", "-start_time", "confidence", "-confidence", "qid"] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

export interface SearchHit {
  qid: string;
  title: string;
  track: string;
  model: string;
  start_time: number;
  end_time: number;
  text: string;
  confidence: number | null;
  frame_info: Record<string, unknown> | null;
  job_id: string;
}

/** The words of a query as an FTS5 expression: every word must start a word of the tag, in any order. */
export function ftsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length ? words.slice(0, 16).map((w) => `"${w}"*`).join(" ") : null;
}

const CONFIDENCE = "json_extract(t.additional_info, '$.confidence')";

const ORDER: Record<SearchSort, string> = {
  relevance: "score, t.qid, t.start_time, t.id",
  start_time: "t.start_time, t.qid, t.id",
  "-start_time": "t.start_time DESC, t.qid, t.id",
  confidence: `${CONFIDENCE} IS NULL, ${CONFIDENCE}, t.qid, t.start_time, t.id`,
  "-confidence": `${CONFIDENCE} IS NULL, ${CONFIDENCE} DESC, t.qid, t.start_time, t.id`,
  qid: "t.qid, t.start_time, t.id",
};

/** A hit as D1 returns it: frame_info and additional_info (where confidence lives) as JSON text. */
type HitRow = Omit<SearchHit, "confidence" | "frame_info"> & { frame_info: string | null; additional_info: string | null };

/**
 * A page of hits and the total. `tenants`: the tenants whose contents the caller may read (null:
 * every tenant, for system administrators). Relevance is FTS5's bm25 and needs `text`.
 */
export async function searchTags(env: Env, tenants: string[] | null, q: SearchQuery, start: number, limit: number): Promise<{ hits: SearchHit[]; total: number }> {
  const match = q.text ? ftsQuery(q.text) : null;
  const conds = ["t.superseded_by IS NULL", "c.origin != 'gateway'"];
  const binds: Array<string | number> = [];
  if (tenants) conds.push(`t.tenant_id IN (${tenants.map(() => "?").join(", ") || "NULL"})`), binds.push(...tenants);
  if (q.track) conds.push("t.track = ?"), binds.push(q.track);
  if (q.model) conds.push("t.model = ?"), binds.push(q.model);
  if (q.qid) conds.push("t.qid = ?"), binds.push(q.qid);
  if (q.start_time !== undefined) conds.push("t.end_time >= ?"), binds.push(q.start_time);
  if (q.end_time !== undefined) conds.push("t.start_time <= ?"), binds.push(q.end_time);
  if (q.min_confidence !== undefined) conds.push(`${CONFIDENCE} >= ?`), binds.push(q.min_confidence);
  if (q.has_box !== undefined) conds.push(`json_extract(t.frame_info, '$.box') IS ${q.has_box ? "NOT NULL" : "NULL"}`);
  // With text, the full-text index drives: CROSS JOIN makes SQLite take its matches as the outer
  // loop and look each tag up by rowid, instead of walking another index and testing MATCH row by
  // row (a full-text query each).
  const from = match ? "tags_fts CROSS JOIN tags t ON t.rowid = tags_fts.rowid CROSS JOIN contents c ON c.qid = t.qid" : "tags t JOIN contents c ON c.qid = t.qid";
  const all = match ? [match, ...binds] : binds;
  if (match) conds.unshift("tags_fts MATCH ?");
  const where = conds.join(" AND ");
  const sort = q.sort === "relevance" && !match ? "start_time" : q.sort;
  const [page, total] = await env.DB.batch<HitRow | { n: number }>([
    env.DB.prepare(
      `SELECT t.qid, c.title, t.track, t.model, t.start_time, t.end_time, t.text, t.frame_info, t.additional_info, t.job_id${match ? ", bm25(tags_fts) AS score" : ""}
       FROM ${from} WHERE ${where} ORDER BY ${ORDER[sort]} LIMIT ? OFFSET ?`,
    ).bind(...all, limit, start),
    env.DB.prepare(`SELECT COUNT(*) AS n FROM ${from} WHERE ${where}`).bind(...all),
  ]);
  const hits = (page!.results as HitRow[]).map((r) => {
    const info = r.additional_info ? (JSON.parse(r.additional_info) as { confidence?: unknown }) : {};
    return {
      qid: r.qid,
      title: r.title,
      track: r.track,
      model: r.model,
      start_time: r.start_time,
      end_time: r.end_time,
      text: r.text,
      confidence: typeof info.confidence === "number" ? info.confidence : null,
      frame_info: r.frame_info ? (JSON.parse(r.frame_info) as Record<string, unknown>) : null,
      job_id: r.job_id,
    };
  });
  return { hits, total: (total!.results[0] as { n: number } | undefined)?.n ?? 0 };
}

/** Per track of a content: its tag count, distinct texts, and the `top` most frequent texts with their counts. */
export async function tagFacets(env: Env, content: { tenant: string; qid: string }, top: number, track?: string) {
  const cond = `tenant_id = ? AND qid = ? AND superseded_by IS NULL${track ? " AND track = ?" : ""}`;
  const binds = [content.tenant, content.qid, ...(track ? [track] : [])];
  const [tracks, texts] = await env.DB.batch<{ track: string; n: number; d: number } | { track: string; text: string; n: number }>([
    env.DB.prepare(`SELECT track, COUNT(*) AS n, COUNT(DISTINCT text) AS d FROM tags WHERE ${cond} GROUP BY track ORDER BY track`).bind(...binds),
    env.DB.prepare(
      `SELECT track, text, n FROM (
         SELECT track, text, COUNT(*) AS n, ROW_NUMBER() OVER (PARTITION BY track ORDER BY COUNT(*) DESC, text) AS rn
         FROM tags WHERE ${cond} GROUP BY track, text)
       WHERE rn <= ? ORDER BY track, n DESC, text`,
    ).bind(...binds, top),
  ]);
  const byTrack = new Map<string, Array<{ text: string; count: number }>>();
  for (const r of texts!.results as Array<{ track: string; text: string; n: number }>) {
    const list = byTrack.get(r.track) ?? [];
    list.push({ text: r.text, count: r.n });
    byTrack.set(r.track, list);
  }
  return (tracks!.results as Array<{ track: string; n: number; d: number }>).map((t) => ({ track: t.track, count: t.n, distinct_texts: t.d, texts: byTrack.get(t.track) ?? [] }));
}
