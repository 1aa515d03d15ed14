import { chunk } from "../tagstore/write";

/** Which of these parts earlier runs uploaded on (content, track): a lookup by id, never a scan of the history. */
export async function reportedParts(env: Env, qid: string, track: string, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const group of chunk(ids, 90)) {
    const { results } = await env.DB.prepare(
      `SELECT DISTINCT part_id FROM report_parts WHERE qid = ? AND track = ? AND uploaded = 1 AND part_id IN (${group.map(() => "?").join(", ")})`,
    )
      .bind(qid, track, ...group)
      .all<{ part_id: string }>();
    for (const r of results) found.add(r.part_id);
  }
  return found;
}
