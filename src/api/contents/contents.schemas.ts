import { z } from "@hono/zod-openapi";

const FILE_PATH = /^(?!.*\.\.)(?!\/)[A-Za-z0-9_.\-/]{1,512}$/;
export const filePath = z.string().regex(FILE_PATH, "must be a relative path of letters, digits, '_', '.', '-', '/'");

const source = {
  url: z.string().max(4096).optional(),
  file: filePath.optional(),
};
const oneSource = (v: { url?: string; file?: string }) => (v.url === undefined) !== (v.file === undefined);

export const StreamSpecSchema = z
  .object({ ...source, language: z.string().min(2).max(35).optional(), channels: z.number().int().min(1).max(64).optional() })
  .strict()
  .refine(oneSource, "a stream needs exactly one of url or file");
export const AssetSpecSchema = z.object(source).strict().refine(oneSource, "an asset needs exactly one of url or file");

export const PutContentSchema = z
  .object({
    title: z.string().min(1).max(500),
    tenant: z.string().min(1).max(64).optional(),
    streams: z
      .record(z.string().regex(/^(video|audio(_\d{1,3})?)$/, "stream names are video, audio, audio_1 …"), StreamSpecSchema)
      .refine((s) => Object.keys(s).length > 0, "at least one stream is needed"),
    assets: z.record(filePath, AssetSpecSchema).optional(),
    part_duration: z.number().min(1).max(3600).default(30).describe("Seconds per part when an MP4 is cut into time parts"),
  })
  .strict()
  .openapi("PutContentRequest");

export const ContentSchema = z
  .object({
    qid: z.string(),
    tenant: z.string(),
    title: z.string(),
    streams: z.record(z.string(), z.object({ url: z.string().optional(), file: z.string().optional(), language: z.string().optional(), channels: z.number().optional() })),
    assets: z.record(z.string(), z.object({ url: z.string().optional(), file: z.string().optional() })),
    part_duration: z.number(),
    origin: z.enum(["registry", "fabric", "gateway"]).openapi({ description: "`fabric`: read from the tenant's content fabric when a job starts (streams and assets are then listed by name only)" }),
    created_by: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Content");
