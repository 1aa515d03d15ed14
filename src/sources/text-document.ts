import { parse as parseSubtitles } from "@plussub/srt-vtt-parser";
import type { PartRef } from "../contract/part";
import { timePartId } from "../jobs/parts";
import { MAX_TEXT_DOCUMENT_BYTES, TEXT_PART_CHARS } from "../limits";
import { isR2, r2Key, readSource } from "./bytes";
import { FetchError } from "./safe-fetch";

/*
 * Text documents (what a translation reads) as engine parts. A subtitle file's cues keep their
 * own times; a plain text is positioned by character offset (1 "ms" per code point), so its
 * parts sort, join and page like any other content's. Each part is an R2 object holding its
 * segments, which the model reads whole.
 */

export type TextFormat = "text" | "srt" | "vtt";

/** One translatable piece: a cue, or a paragraph (long ones at sentence ends); `after` is the whitespace that followed it. */
export interface TextSegment {
  start_ms: number;
  end_ms: number;
  text: string;
  after?: string;
}

/** What a text part's R2 object holds. Times are content times. */
export interface TextPart {
  format: TextFormat;
  segments: TextSegment[];
}

/** What the planner learnt of the whole document, kept beside its parts for the result. */
export interface TextManifest {
  format: TextFormat;
  characters: number;
  segments: number;
}

const codePoints = (s: string) => [...s].length;

/** The document's format: from its name, else from its first line. */
export function textFormatOf(name: string, text: string): TextFormat {
  const path = name.toLowerCase().split("?")[0]!;
  if (path.endsWith(".vtt")) return "vtt";
  if (path.endsWith(".srt")) return "srt";
  const head = text.replace(/^\uFEFF/, "").trimStart();
  if (head.startsWith("WEBVTT")) return "vtt";
  if (/^\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{3}\s*-->/.test(head)) return "srt";
  return "text";
}

/** Sentences of a long paragraph, grouped up to `max` characters (a longer sentence stays whole). */
function sentenceGroups(paragraph: string, max: number): string[] {
  const sentences = paragraph.match(/[^.!?。！？]+(?:[.!?。！？]+["'”’)\]]*\s*|$)/gu) ?? [paragraph];
  const groups: string[] = [];
  let current = "";
  for (const s of sentences) {
    if (current && codePoints(current) + codePoints(s) > max) {
      groups.push(current);
      current = "";
    }
    current += s;
  }
  if (current) groups.push(current);
  return groups;
}

/** A plain text's segments: paragraphs, split at sentence ends past `max` characters; the layout between them is kept in `after`. */
export function plainSegments(text: string, max = TEXT_PART_CHARS): TextSegment[] {
  const segments: TextSegment[] = [];
  let offset = 0;
  const pieces = text.split(/(\n\s*\n)/);
  for (let i = 0; i < pieces.length; i += 2) {
    const paragraph = pieces[i]!;
    const gap = pieces[i + 1] ?? "";
    const lead = /^\s*/.exec(paragraph)![0];
    offset += codePoints(lead);
    const body = paragraph.slice(lead.length);
    const groups = body.trim() ? sentenceGroups(body, max) : [];
    for (const [j, g] of groups.entries()) {
      const trimmed = g.trimEnd();
      const len = codePoints(g);
      const last = j === groups.length - 1;
      segments.push({ start_ms: offset, end_ms: offset + codePoints(trimmed), text: trimmed, after: g.slice(trimmed.length) + (last ? gap : "") });
      offset += len;
    }
    if (!groups.length && segments.length) segments[segments.length - 1]!.after += paragraph + gap;
    offset += codePoints(gap);
  }
  return segments;
}

/** A subtitle file's cues (empty ones left out), in time order. */
export function cueSegments(text: string): TextSegment[] {
  let entries;
  try {
    entries = parseSubtitles(text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n")).entries;
  } catch (e) {
    throw new FetchError(`The subtitle file cannot be parsed: ${(e as Error).message}`, false);
  }
  return entries
    .filter((e) => e.text.trim())
    .map((e) => ({ start_ms: e.from, end_ms: Math.max(e.from, e.to), text: e.text.trim() }))
    .sort((a, b) => a.start_ms - b.start_ms);
}

/** Segments grouped into parts of at most `max` characters, never splitting a segment. */
export function groupSegments(segments: TextSegment[], max = TEXT_PART_CHARS): TextSegment[][] {
  const groups: TextSegment[][] = [];
  let current: TextSegment[] = [];
  let size = 0;
  for (const s of segments) {
    const n = codePoints(s.text);
    if (current.length && size + n > max) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(s);
    size += n;
  }
  if (current.length) groups.push(current);
  return groups;
}

/** Where a document's parts and manifest are kept: tied to the exact source. */
async function textPrefix(qid: string, source: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(source)));
  return `media/${qid}/text/${[...d.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The manifest the planner wrote for a document, or null before it was planned. */
export async function textManifestOf(env: Env, qid: string, source: string): Promise<TextManifest | null> {
  const obj = await env.BUCKET.get(`${await textPrefix(qid, source)}/manifest.json`);
  return obj ? ((await obj.json()) as TextManifest) : null;
}

/**
 * Reads a text document (plain text, SubRip or WebVTT, UTF-8, up to MAX_TEXT_DOCUMENT_BYTES),
 * cuts it into parts of whole segments and writes each part to R2. Writing again writes the
 * same objects, so a plan run twice is harmless.
 */
export async function planTextParts(env: Env, qid: string, stream: string, source: string): Promise<PartRef[]> {
  const bytes = await readSource(env, source, undefined, MAX_TEXT_DOCUMENT_BYTES);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new FetchError("The document is not UTF-8 text", false);
  }
  const format = textFormatOf(isR2(source) ? r2Key(source) : new URL(source).pathname, text);
  const segments = format === "text" ? plainSegments(text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n")) : cueSegments(text);
  if (!segments.length) throw new FetchError(format === "text" ? "The document has no text" : "The subtitle file has no cues", false);
  const prefix = await textPrefix(qid, source);
  const groups = groupSegments(segments);
  const parts: PartRef[] = [];
  for (const [idx, group] of groups.entries()) {
    const start = group[0]!.start_ms;
    const end = Math.max(...group.map((s) => s.end_ms));
    const key = `${prefix}/${idx}.json`;
    const body: TextPart = { format, segments: group };
    await env.BUCKET.put(key, JSON.stringify(body), { httpMetadata: { contentType: "application/json" } });
    parts.push({ id: timePartId(stream, start, end), idx, start_ms: start, duration_ms: end - start, kind: "segment", source: `r2:${key}`, content_type: "application/json" });
  }
  const characters = format === "text" ? codePoints(text.replace(/^\uFEFF/, "")) : segments.reduce((n, s) => n + codePoints(s.text), 0);
  const manifest: TextManifest = { format, characters, segments: segments.length };
  await env.BUCKET.put(`${prefix}/manifest.json`, JSON.stringify(manifest), { httpMetadata: { contentType: "application/json" } });
  return parts;
}
