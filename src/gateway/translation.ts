import { signPayload, verifyPayload } from "../auth/signed-payload";
import type { GatewayJobRow } from "../db/gateway-jobs";
import { sourceOf } from "../sources/registry";
import { textManifestOf, type TextFormat } from "../sources/text-document";
import { exportTags } from "../tagstore/export";
import { subtitles } from "./transcript";

/*
 * A translation's result, assembled from the tag store: the `translate` model wrote one tag per
 * cue or paragraph of the source on the `translation` track, in document order.
 */

export interface TranslationOptions {
  source_language: string;
  formality: "default" | "formal" | "informal";
  priority: "low" | "standard" | "high";
}

export type TranslationInput = { type: "text"; content: string; target_language: string } | { type: "document"; url: string; target_language: string };

/** Where a text input is kept for the engine to read, under the job's hidden content. */
export const TEXT_INPUT_FILE = "source.txt";

export const textSourceOf = (row: Pick<GatewayJobRow, "content_qid">, input: TranslationInput) =>
  sourceOf(row.content_qid, input.type === "text" ? { file: TEXT_INPUT_FILE } : { url: input.url });

const MEDIA_TYPES: Record<TextFormat, string> = { text: "text/plain; charset=utf-8", srt: "text/srt; charset=utf-8", vtt: "text/vtt; charset=utf-8" };
const EXTENSIONS: Record<TextFormat, string> = { text: "txt", srt: "srt", vtt: "vtt" };

interface Piece {
  start_ms: number;
  end_ms: number;
  text: string;
  after: string;
  source_language: string | null;
  characters: number;
}

async function pieces(env: Env, row: GatewayJobRow): Promise<Piece[]> {
  const out: Piece[] = [];
  for await (const page of exportTags(env, { tenant: row.tenant_id, qid: row.content_qid }, "translation")) {
    for (const t of page) {
      const info = t.additional_info ? (JSON.parse(t.additional_info) as { after?: unknown; source_language?: unknown; characters?: unknown }) : {};
      out.push({
        start_ms: t.start_time,
        end_ms: t.end_time,
        text: t.text,
        after: typeof info.after === "string" ? info.after : "",
        source_language: typeof info.source_language === "string" ? info.source_language : null,
        characters: typeof info.characters === "number" ? info.characters : [...t.text].length,
      });
    }
  }
  return out.sort((a, b) => a.start_ms - b.start_ms || a.end_ms - b.end_ms);
}

/** The language most of the text was read as (by characters). */
function mainLanguage(list: Piece[]): string {
  const count = new Map<string, number>();
  for (const p of list) if (p.source_language) count.set(p.source_language, (count.get(p.source_language) ?? 0) + p.characters);
  return [...count.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? "und";
}

/** The translated document: the text laid out as the source was, or the subtitle file with every cue at its own times. */
export async function translatedDocument(env: Env, row: GatewayJobRow) {
  const input = JSON.parse(row.input) as TranslationInput;
  const manifest = await textManifestOf(env, row.content_qid, textSourceOf(row, input));
  const format: TextFormat = manifest?.format ?? "text";
  const list = await pieces(env, row);
  const body =
    format === "text" ? list.map((p) => p.text + p.after).join("").trimEnd() : subtitles(list.map((p) => ({ start: p.start_ms / 1000, end: p.end_ms / 1000, text: p.text })), format, true);
  return { format, body, content_type: MEDIA_TYPES[format], filename: `${row.id}.${EXTENSIONS[format]}`, list, characters: manifest?.characters ?? list.reduce((n, p) => n + p.characters, 0) };
}

/** How long a download_url is good for. */
const FILE_URL_TTL_S = 3600;

/** The seed's translation Result: `content` for a text, a signed `download_url` for a document. */
export async function translationResult(env: Env, row: GatewayJobRow) {
  const input = JSON.parse(row.input) as TranslationInput;
  const options = JSON.parse(row.options) as TranslationOptions;
  const doc = await translatedDocument(env, row);
  const source_language = options.source_language !== "auto" ? options.source_language : mainLanguage(doc.list);
  const base = { source_language, target_language: input.target_language };
  if (input.type === "text") return { ...base, content: doc.body, character_count: doc.characters };
  const token = await signPayload(env, "gateway-file", { j: row.id }, FILE_URL_TTL_S);
  return { ...base, download_url: `${env.PUBLIC_BASE_URL.replace(/\/$/, "")}/v1/files/${token}`, content_type: doc.content_type, character_count: doc.characters };
}

/** The gateway job a download token was signed for, or why not. */
export async function fileTokenJob(env: Env, token: string): Promise<{ ok: true; job: string } | { ok: false; reason: "invalid" | "expired" }> {
  const v = await verifyPayload<{ j: unknown }>(env, "gateway-file", token);
  if (!v.ok) return v;
  return typeof v.body.j === "string" ? { ok: true, job: v.body.j } : { ok: false, reason: "invalid" };
}
