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

/** Ties in relevance go in the order the tags were written (their rowid), which the index alone can tell. */
const ORDER: Record<SearchSort, string> = {
  relevance: "score, t.rowid",
  start_time: "t.start_time, t.qid, t.id",
  "-start_time": "t.start_time DESC, t.qid, t.id",
  confidence: `${CONFIDENCE} IS NULL, ${CONFIDENCE}, t.qid, t.start_time, t.id`,
  "-confidence": `${CONFIDENCE} IS NULL, ${CONFIDENCE} DESC, t.qid, t.start_time, t.id`,
  qid: "t.qid, t.start_time, t.id",
};

/** A hit as D1 returns it: frame_info and additional_info (where confidence lives) as JSON text. */
type HitRow = Omit<SearchHit, "confidence" | "frame_info"> & { frame_info: string | null; additional_info: string | null };

/** Past this many, the total is not counted on: `total_capped` says it is a lower bound. */
export const SEARCH_COUNT_CAP = 1_000;
/** How many of the index's best matches the relevance fast path reads: 4 pages' worth, at least MIN, at most MAX. */
const MIN_CANDIDATES = 1_000;
const MAX_CANDIDATES = 20_000;

/** The limits above; tests set smaller ones to reach them with a small corpus. */
export interface SearchLimits {
  countCap: number;
  minCandidates: number;
}
const LIMITS: SearchLimits = { countCap: SEARCH_COUNT_CAP, minCandidates: MIN_CANDIDATES };

/**
 * A page of hits and the total (counted up to SEARCH_COUNT_CAP). `tenants`: the tenants whose
 * contents the caller may read (null: every tenant, for system administrators). Relevance is
 * FTS5's bm25 and needs `text`.
 */
export async function searchTags(env: Env, tenants: string[] | null, q: SearchQuery, start: number, limit: number, limits: SearchLimits = LIMITS): Promise<{ hits: SearchHit[]; total: number; total_capped: boolean }> {
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
  const filters = conds.join(" AND ");
  const columns = "t.qid, c.title, t.track, t.model, t.start_time, t.end_time, t.text, t.frame_info, t.additional_info, t.job_id";
  // With text, the full-text index drives: CROSS JOIN makes SQLite take its matches as the outer
  // loop and look each tag up by rowid, instead of walking another index and testing MATCH row by
  // row (a full-text query each).
  const from = match ? "tags_fts CROSS JOIN tags t ON t.rowid = tags_fts.rowid CROSS JOIN contents c ON c.qid = t.qid" : "tags t JOIN contents c ON c.qid = t.qid";
  const all = match ? [match, ...binds] : binds;
  const where = match ? `tags_fts MATCH ? AND ${filters}` : filters;
  const sort = q.sort === "relevance" && !match ? "start_time" : q.sort;
  const count = env.DB.prepare(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${where} LIMIT ${limits.countCap + 1})`).bind(...all);

  let rows: HitRow[] | null = null;
  let n: number | undefined;
  const wanted = start + limit;
  if (match && sort === "relevance" && wanted * 4 <= MAX_CANDIDATES) {
    // Ranking a broad word scores all its matches, but only the index is needed for that: the
    // best few thousand by bm25 (a prefix of the full order, ties by rowid) are ranked there and
    // only they are looked up and filtered. A page the filters leave short is read the long way.
    const candidates = Math.max(limits.minCandidates, wanted * 4);
    const [page, counted] = await env.DB.batch<HitRow | { n: number }>([
      env.DB.prepare(
        `WITH best AS (SELECT rowid, bm25(tags_fts) AS score FROM tags_fts WHERE tags_fts MATCH ? ORDER BY score, rowid LIMIT ${candidates})
         SELECT ${columns} FROM best CROSS JOIN tags t ON t.rowid = best.rowid CROSS JOIN contents c ON c.qid = t.qid
         WHERE ${filters} ORDER BY best.score, best.rowid LIMIT ? OFFSET ?`,
      ).bind(match, ...binds, limit, start),
      count,
    ]);
    n = (counted!.results[0] as { n: number } | undefined)?.n ?? 0;
    if (page!.results.length === limit || start + page!.results.length >= n) rows = page!.results as HitRow[];
  }
  if (!rows) {
    const full = env.DB.prepare(`SELECT ${columns}${match ? ", bm25(tags_fts) AS score" : ""} FROM ${from} WHERE ${where} ORDER BY ${ORDER[sort]} LIMIT ? OFFSET ?`).bind(...all, limit, start);
    if (n === undefined) {
      const [page, counted] = await env.DB.batch<HitRow | { n: number }>([full, count]);
      rows = page!.results as HitRow[];
      n = (counted!.results[0] as { n: number } | undefined)?.n ?? 0;
    } else rows = (await full.all<HitRow>()).results;
  }
  const hits = rows.map((r) => {
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
  const total = n ?? 0;
  return { hits, total: Math.min(total, limits.countCap), total_capped: total > limits.countCap };
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
