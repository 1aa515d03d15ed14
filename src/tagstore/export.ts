import type { ContentRef, TagDbRow } from "./read";

export type ExportTag = TagDbRow;

const PAGE = 1000;

/**
 * Every tag of a content (or of one track) in start_time order, a page at a time. Pages follow
 * the last row seen (start_time, end_time, id), so each page is an index range, not an OFFSET
 * that grows with the export.
 */
export async function* exportTags(env: Env, content: ContentRef, track?: string): AsyncGenerator<ExportTag[]> {
  let after: [number, number, string] | null = null;
  for (;;) {
    const conds: string[] = ["tenant_id = ?", "qid = ?", "superseded_by IS NULL", ...(track ? ["track = ?"] : []), ...(after ? ["(start_time, end_time, id) > (?, ?, ?)"] : [])];
    const binds: Array<string | number> = [content.tenant, content.qid, ...(track ? [track] : []), ...(after ?? [])];
    const { results }: D1Result<ExportTag> = await env.DB.prepare(
      `SELECT id, track, start_time, end_time, text, source, job_id, frame_info, additional_info FROM tags WHERE ${conds.join(" AND ")} ORDER BY start_time, end_time, id LIMIT ?`,
    )
      .bind(...binds, PAGE)
      .all<ExportTag>();
    if (results.length === 0) return;
    yield results;
    const last: ExportTag = results[results.length - 1]!;
    after = [last.start_time, last.end_time, last.id];
    if (results.length < PAGE) return;
  }
}

function clock(ms: number, sep: "." | ","): string {
  const t = Math.max(0, Math.round(ms));
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const s = Math.floor((t % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}${sep}${pad(t % 1000, 3)}`;
}

/** Cue text: one line, and nothing a player would read as markup or a cue boundary. */
/** A cue's text on one line, or (`lines`) with its own line breaks kept, never with the blank line that would end the cue. */
const cueLines = (text: string, lines: boolean) => (lines ? text.trim().replace(/\r\n?/g, "\n").replace(/\n\s*\n+/g, "\n") : text.replace(/\r?\n+/g, " ").trim());
const cueText = (text: string, lines: boolean) => cueLines(text, lines).replace(/-->/g, "→").replace(/&/g, "&amp;").replace(/</g, "&lt;");

export const vttHeader = (title: string) => `WEBVTT - ${title.replace(/[\r\n]+/g, " ").replace(/-->/g, "→")}\n\n`;

export function vttCue(tag: Pick<ExportTag, "start_time" | "end_time" | "text">, n: number, lines = false): string {
  // A cue must end after it starts; instant tags (a shot boundary, an image) last one millisecond.
  const end = Math.max(tag.end_time, tag.start_time + 1);
  return `${n}\n${clock(tag.start_time, ".")} --> ${clock(end, ".")}\n${cueText(tag.text, lines)}\n\n`;
}

export function srtCue(tag: Pick<ExportTag, "start_time" | "end_time" | "text">, n: number, lines = false): string {
  const end = Math.max(tag.end_time, tag.start_time + 1);
  return `${n}\n${clock(tag.start_time, ",")} --> ${clock(end, ",")}\n${cueLines(tag.text, lines)}\n\n`;
}
