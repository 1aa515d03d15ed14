/**
 * Removes every tag-store row of a content id (its tags, tracks, batches and report parts),
 * whichever tenant wrote them: the content is gone, and the id may be registered again by
 * another tenant, who must find nothing. Idempotent.
 */
export async function purgeContentTags(env: Env, qid: string): Promise<void> {
  await env.DB.batch(["tags", "report_parts", "batches", "tracks"].map((table) => env.DB.prepare(`DELETE FROM ${table} WHERE qid = ?`).bind(qid)));
}
