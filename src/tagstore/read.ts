/** A content as the tag store knows it: every read names the tenant as well as the id. */
export interface ContentRef {
  tenant: string;
  qid: string;
}

export interface TagQuery {
  track?: string;
  model?: string;
  start_time?: number;
  end_time?: number;
  text?: string;
  job_id?: string;
}

/** A tag as D1 stores it (frame_info and additional_info as JSON text). */
export interface TagDbRow {
  id: string;
  track: string;
  start_time: number;
  end_time: number;
  text: string;
  source: string;
  job_id: string;
  frame_info: string | null;
  additional_info: string | null;
}

/** Tags overlapping [start_time, end_time], in time order. */
export async function findTags(env: Env, content: ContentRef, q: TagQuery, start: number, limit: number) {
  const conds = ["tenant_id = ?", "qid = ?", "superseded_by IS NULL"];
  const binds: Array<string | number> = [content.tenant, content.qid];
  if (q.track) conds.push("track = ?"), binds.push(q.track);
  if (q.model) conds.push("model = ?"), binds.push(q.model);
  if (q.job_id) conds.push("job_id = ?"), binds.push(q.job_id);
  if (q.start_time !== undefined) conds.push("end_time >= ?"), binds.push(q.start_time);
  if (q.end_time !== undefined) conds.push("start_time <= ?"), binds.push(q.end_time);
  if (q.text) conds.push("lower(text) LIKE ? ESCAPE '\\'"), binds.push(`%${q.text.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
  const where = conds.join(" AND ");
  const [page, total] = await env.DB.batch<TagDbRow | { n: number }>([
    env.DB.prepare(`SELECT id, track, start_time, end_time, text, source, job_id, frame_info, additional_info FROM tags WHERE ${where} ORDER BY start_time, end_time, id LIMIT ? OFFSET ?`).bind(
      ...binds, limit, start,
    ),
    env.DB.prepare(`SELECT COUNT(*) AS n FROM tags WHERE ${where}`).bind(...binds),
  ]);
  const tags = (page!.results as TagDbRow[]).map((r) => ({
    ...r,
    frame_info: r.frame_info ? (JSON.parse(r.frame_info) as { frame_idx: number }) : null,
    additional_info: r.additional_info ? (JSON.parse(r.additional_info) as Record<string, unknown>) : null,
  }));
  return { tags, total: (total!.results[0] as { n: number } | undefined)?.n ?? 0 };
}

export async function listTracks(env: Env, content: ContentRef) {
  const { results } = await env.DB.prepare(
    `SELECT t.name, t.label,
       (SELECT group_concat(DISTINCT b.model) FROM batches b WHERE b.tenant_id = t.tenant_id AND b.qid = t.qid AND b.track = t.name) AS models,
       (SELECT COUNT(*) FROM tags g WHERE g.tenant_id = t.tenant_id AND g.qid = t.qid AND g.track = t.name AND g.superseded_by IS NULL) AS tag_count
     FROM tracks t WHERE t.tenant_id = ? AND t.qid = ? ORDER BY t.name`,
  )
    .bind(content.tenant, content.qid)
    .all<{ name: string; label: string; models: string | null; tag_count: number }>();
  return results.map((r) => ({ name: r.name, label: r.label, models: r.models ? r.models.split(",").sort() : [], tag_count: r.tag_count }));
}
