/**
 * A JSON object as it crosses the Worker ↔ Durable Object boundary. Not `Record<string, unknown>`:
 * workers-types turns a message with an `unknown` field into `never`, and a recursive JSON type
 * is too deep for its RPC mapping; values are validated where they enter (zod), not here.
 */
export type JsonObject = Record<string, string | number | boolean | null | object>;
