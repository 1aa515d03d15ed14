/** The AI Gateway seed's content-moderation labels: all a moderation model is asked for, and all its tags may say. */
export const MODERATION_LABELS = ["explicit_nudity", "suggestive", "violence", "visually_disturbing", "hate_symbols", "tobacco", "alcohol", "gambling"] as const;
export type ModerationLabel = (typeof MODERATION_LABELS)[number];
