/**
 * The service's size limits, in one place so docs/SECURITY.md and the errors that name them
 * agree. Each is sized to what one Worker invocation and one D1 batch can carry.
 */

/** A playlist (master or media) is read whole to parse it; a few MB holds any real one. */
export const MAX_PLAYLIST_BYTES = 4 * 1024 * 1024;
/** Media whose length the server does not say is buffered before it goes to R2 (which needs a length). */
export const MAX_BUFFERED_MEDIA_BYTES = 64 * 1024 * 1024;
/** Parts one job may have: each is a row in the runner, a report row per track, a queue message. */
export const MAX_PARTS_PER_JOB = 10_000;
/** Tags one part may carry: written in one D1 batch of 100-parameter statements (8 rows each). */
export const MAX_TAGS_PER_PART = 2_000;
/** `model_params` of one job, as JSON: copied into every job-status answer and feed event. */
export const MAX_MODEL_PARAMS_BYTES = 16 * 1024;
/** Jobs in one start request. */
export const MAX_JOBS_PER_REQUEST = 50;
/** Page offsets: past this, a page is surely empty and the number only costs the database. */
export const MAX_OFFSET = 1_000_000;
/** A signed token is refused this long after it was issued (`iat`), or when its `exp` lies further ahead; settable by MAX_TOKEN_AGE_S. */
export const DEFAULT_MAX_TOKEN_AGE_S = 7 * 24 * 3600;
/** Jobs in one /job-status answer when the client asks for no limit (`limit` null or absent): meta.limit says so. */
export const MAX_JOBS_PER_PAGE = 1_000;
/** Jobs in a tenant feed's snapshot page; older ones are read with /job-status. */
export const FEED_SNAPSHOT_JOBS = 50;
/** A JSON request body (every route but uploads and provider callbacks). */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;
/** A provider's deferred result: up to MAX_TAGS_PER_PART tags with their frame info. */
export const MAX_CALLBACK_BODY_BYTES = 16 * 1024 * 1024;
/** A document to translate is read up to this many bytes. */
export const MAX_TEXT_DOCUMENT_BYTES = 10 * 1024 * 1024;
/** Characters of a text part at most (a segment longer than this is a part of its own). */
export const TEXT_PART_CHARS = 2_000;
