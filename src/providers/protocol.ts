import { z } from "zod";

/**
 * The provider protocol's request (docs/providers.md), as providers read it. The reference
 * provider and the tests' provider both check what they are sent against it.
 */
export const providerRequestSchema = z.object({
  model: z.string(),
  params: z.record(z.string(), z.unknown()).default({}),
  media: z
    .object({
      url: z.string().url(),
      kind: z.enum(["video", "audio", "image", "range", "text"]),
      content_type: z.string(),
      start_ms: z.number().int().min(0),
      duration_ms: z.number().int().min(0),
      pieces: z.array(z.object({ url: z.string().url(), start_ms: z.number().int().min(0), duration_ms: z.number().int().min(0) }).strict()).min(1).optional(),
    })
    .strict(),
  callback_url: z.string().url().optional(),
});
