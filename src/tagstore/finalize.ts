import type { BoundaryKind } from "../contract/job";
import { type JoinableTag, type JoinedGroup, TagJoiner } from "./join";
import type { ContentRef } from "./read";

/** Rows read a page at a time: the joiner holds only chains still open between pages. */
const PAGE = 1000;

interface Row {
  id: string;
  batch_id: string;
  track: string;
  model: string;
  source: string;
  start_time: number;
  end_time: number;
  text: string;
  frame_info: string | null;
  additional_info: string | null;
}

const toJoinable = (r: Row): JoinableTag => ({
  id: r.id,
  source: r.source,
  start_time: r.start_time,
  end_time: r.end_time,
  text: r.text,
  frame_info: r.frame_info ? (JSON.parse(r.frame_info) as JoinableTag["frame_info"]) : null,
  additional_info: r.additional_info ? (JSON.parse(r.additional_info) as Record<string, unknown>) : null,
});

/**
 * Joins what part boundaries cut in one job's current tags (join.ts), track by track: the pieces
 * of each group are replaced by one tag. Idempotent: a joined tag keeps a stable id, and joining
 * again finds nothing more to join (or folds in a piece that arrived late). `window` limits it
 * to tags touching [from, to] ms (a live job joins around each part as it lands, so the work
 * does not grow with the length of the stream).
 */
export async function joinJobTags(env: Env, content: ContentRef, jobId: string, kind: BoundaryKind, window?: [number, number]): Promise<number> {
  if (kind === "none") return 0;
  const inWindow = window ? "AND end_time >= ? AND start_time <= ?" : "";
  const windowBinds = window ?? [];
  const { results: tracks } = await env.DB.prepare(`SELECT DISTINCT track FROM tags WHERE tenant_id = ? AND qid = ? AND job_id = ? AND superseded_by IS NULL ${inWindow}`)
    .bind(content.tenant, content.qid, jobId, ...windowBinds)
    .all<{ track: string }>();
  let joined = 0;
  for (const { track } of tracks) {
    const joiner = new TagJoiner(kind);
    const rows = new Map<string, Row>();
    let after: [number, number, string] | null = null;
    for (;;) {
      const { results }: { results: Row[] } = await env.DB.prepare(
        `SELECT id, batch_id, track, model, source, start_time, end_time, text, frame_info, additional_info FROM tags
         WHERE tenant_id = ? AND qid = ? AND job_id = ? AND track = ? AND superseded_by IS NULL ${inWindow}
         ${after ? "AND (start_time, end_time, id) > (?, ?, ?)" : ""} ORDER BY start_time, end_time, id LIMIT ?`,
      )
        .bind(content.tenant, content.qid, jobId, track, ...windowBinds, ...(after ?? []), PAGE)
        .all<Row>();
      const groups: JoinedGroup[] = [];
      for (const r of results) {
        rows.set(r.id, r);
        groups.push(...joiner.push(toJoinable(r)));
      }
      if (results.length < PAGE) groups.push(...joiner.end());
      joined += await writeGroups(env, content, jobId, rows, groups);
      const last: Row | undefined = results.at(-1);
      if (!last || results.length < PAGE) break;
      after = [last.start_time, last.end_time, last.id];
    }
  }
  return joined;
}

async function writeGroups(env: Env, content: ContentRef, jobId: string, rows: Map<string, Row>, groups: JoinedGroup[]): Promise<number> {
  if (groups.length === 0) return 0;
  const stmts: D1PreparedStatement[] = [];
  for (const { members, joined } of groups) {
    const first = rows.get(members[0]!.id)!;
    // Every piece goes, the joined tag's own id too (a repeated finalize finds it there), and the
    // joined tag is inserted anew: a plain DELETE + INSERT keeps the search index's triggers exact,
    // which INSERT OR REPLACE's silent delete would not.
    const gone = [...new Set([...members.map((m) => m.id), joined.id])];
    for (let i = 0; i < gone.length; i += 90) {
      const ids = gone.slice(i, i + 90);
      stmts.push(env.DB.prepare(`DELETE FROM tags WHERE tenant_id = ? AND id IN (${ids.map(() => "?").join(", ")})`).bind(content.tenant, ...ids));
    }
    stmts.push(
      env.DB.prepare(
        `INSERT INTO tags (id, batch_id, tenant_id, qid, track, job_id, model, source, start_time, end_time, text, frame_info, additional_info)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(
        joined.id, first.batch_id, content.tenant, content.qid, first.track, jobId, first.model, joined.source, joined.start_time, joined.end_time, joined.text,
        joined.frame_info ? JSON.stringify(joined.frame_info) : null,
        joined.additional_info ? JSON.stringify(joined.additional_info) : null,
      ),
    );
    for (const m of members) rows.delete(m.id);
  }
  for (let i = 0; i < stmts.length; i += 200) await env.DB.batch(stmts.slice(i, i + 200));
  return groups.length;
}
