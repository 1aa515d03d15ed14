import { z } from "@hono/zod-openapi";
import { createRequestSchema, jobSchema, languageOrAuto, priority } from "../gateway/gateway.schemas";

/** Characters of a text to translate at most (its JSON body stays well under the 1 MiB body limit). */
export const MAX_TRANSLATION_CHARS = 100_000;

const targetLanguage = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "must be a BCP 47 language code (auto is not a target)")
  .openapi({ description: "BCP 47 code of the language to translate into", example: "es" });

const textInput = z
  .object({
    type: z.literal("text"),
    content: z
      .string()
      .min(1, "must not be empty")
      .refine((s) => [...s].length <= MAX_TRANSLATION_CHARS, `must be at most ${MAX_TRANSLATION_CHARS} characters`)
      .refine((s) => s.trim().length > 0, "must contain text"),
    target_language: targetLanguage,
  })
  .strict();

const documentInput = z
  .object({
    type: z.literal("document"),
    url: z.string().url().max(4096).openapi({ description: "HTTP(S) URL of a UTF-8 plain text (.txt), SubRip (.srt) or WebVTT (.vtt) file of at most 10 MiB" }),
    target_language: targetLanguage,
  })
  .strict();

export const TranslationCreateSchema = createRequestSchema(
  "translation-job",
  z.discriminatedUnion("type", [textInput, documentInput]),
  {
    source_language: languageOrAuto.default("auto"),
    formality: z.enum(["default", "formal", "informal"]).default("default"),
    priority: priority.default("standard"),
  },
  "TranslationCreateRequest",
);

export const TranslationResultSchema = z
  .object({
    source_language: z.string().openapi({ description: "As specified, or as detected (the language most of the text was read as)" }),
    target_language: z.string(),
    content: z.string().optional().openapi({ description: "The translated text (input type text), its paragraphs laid out as the source's" }),
    download_url: z.string().url().optional().openapi({ description: "Input type document: a signed URL of the translated document, in the source's format (SubRip and WebVTT keep every cue's times), valid for 1 hour" }),
    content_type: z.string().optional().openapi({ description: "Input type document: the media type of the translated document" }),
    character_count: z.number().int().openapi({ description: "Unicode code points of the source text (of a subtitle file: of its cues' text)" }),
  })
  .openapi("TranslationResult");

export const TranslationJobSchema = jobSchema("translation-job", TranslationResultSchema, {}, "TranslationJob");
export type TranslationJob = z.infer<typeof TranslationJobSchema>;
