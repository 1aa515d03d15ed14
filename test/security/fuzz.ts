import fc from "fast-check";
import { expect } from "vitest";
import { ADMIN, BASE } from "../worker/helpers";
import { exports } from "cloudflare:workers";

interface Operation {
  method: string;
  path: string;
}

/** Routes outside the API document (signed media, uploads, websocket feeds) are fuzzed too. */
const UNDOCUMENTED: Operation[] = [
  { method: "get", path: "/media/{token}" },
  { method: "head", path: "/media/{token}" },
  { method: "put", path: "/contents/{qid}/files/{path}" },
  { method: "get", path: "/feed" },
  { method: "get", path: "/{qid}/feed/{model}" },
  { method: "post", path: "/callbacks/{token}" },
];

const segment = fc.oneof(
  fc.constantFrom("demo", "models", "media", "callbacks", "job-status", "..", "%2e%2e", "iq__abc", "x".repeat(300), "", "a b", "%00", "0"),
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/),
);
const queryValue = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("1e20", "-1", "null", "0", "100000000000000000000", "NaN", "true", "[]"), fc.nat().map(String));
const queryKey = fc.constantFrom("start", "limit", "status", "qid", "tenant", "user", "model", "title", "track", "text", "start_time", "end_time", "format", "stream", "since", "authorization", "unknown");
const body = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.constantFrom("{", "null", "[]", '{"jobs":[{"model":"shot","model_params":{"a":1}}]}', '{"title":"t","streams":{"video":{"url":"http://[::ffff:127.0.0.1]/v.mp4"}}}', '{"tags":[{"start_time":5,"end_time":1,"text":"x"}]}', '{"name":"n","role":"admin"}'),
  fc.string({ maxLength: 200 }),
);

function fill(path: string, values: string[]): string {
  let i = 0;
  return path.replace(/\{[^}]+\}/g, () => encodeURIComponent(values[i++ % values.length] ?? "x").replace(/%2F/gi, "/"));
}

/**
 * Drives every operation of the API document (and the undocumented routes) with arbitrary path
 * parameters, query strings, bodies and credentials; every answer must be below 500, and every
 * error must be the JSON error shape.
 */
export async function fuzzApi(tokens: Array<string | null>, runsPerOperation: number, shard: number, shards: number): Promise<number> {
  const doc = await (await exports.default.fetch(new Request(`${BASE}/openapi.json`))).json<{ paths: Record<string, Record<string, unknown>> }>();
  const ops: Operation[] = [...UNDOCUMENTED];
  for (const [path, item] of Object.entries(doc.paths)) for (const method of Object.keys(item)) ops.push({ method, path });
  let requests = 0;
  // Shards run as separate test files: the local runtime slows down as one file's requests pile up.
  for (const op of ops.filter((_, i) => i % shards === shard)) {
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 }), body, fc.constantFrom(...tokens), fc.boolean(), async (params, query, payload, token, upgrade) => {
        const url = new URL(`${BASE}${fill(op.path, params)}`);
        for (const [k, v] of query) url.searchParams.append(k, v);
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (token) headers.authorization = token.includes(":") ? `Basic ${btoa(token)}` : `Bearer ${token}`;
        if (upgrade) headers.upgrade = "websocket";
        const method = op.method.toUpperCase();
        const init: RequestInit = { method, headers };
        if (method !== "GET" && method !== "HEAD") {
          init.body = payload;
          headers["content-length"] = String(new TextEncoder().encode(payload).length);
        }
        const res = await exports.default.fetch(new Request(url, init));
        requests++;
        const text = method === "HEAD" || res.status === 101 ? "" : await res.text();
        if (res.status === 101) res.webSocket?.accept(), res.webSocket?.close(1000, "fuzz");
        expect(res.status, `${method} ${url.pathname}${url.search} -> ${text.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400 && method !== "HEAD") {
          expect(res.headers.get("content-type"), `${method} ${url}`).toMatch(/application\/json/);
          const parsed = JSON.parse(text);
          expect(parsed, `${method} ${url}`).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
          expect(text, `${method} ${url}`).not.toMatch(/\n\s+at |\.ts:\d+/);
        }
      }),
      { numRuns: runsPerOperation, seed: 20261123 },
    );
  }
  return requests;
}

export const FUZZ_TOKENS_BASE = [null, ADMIN, "not-a-token", "ak_0000000000000000:wrong"];
export const FUZZ_SHARDS = 4;
/** Runs per operation and shard: about 1,500 requests in each configuration. */
export const FUZZ_RUNS = 40;
