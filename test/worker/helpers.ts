import { runInDurableObject } from "cloudflare:test";
import { exports, env } from "cloudflare:workers";
import { expect } from "vitest";
import { bytesToBase64 } from "../../src/auth/token";
import type { JobInit } from "../../src/contract/job";
import { runnerName } from "../../src/contract/runner";
import type { TagRunner } from "../../src/durable-objects/tag-runner";

export const BASE = "http://tagger.test";

/**
 * An API response body as the tests read it. What its shape must be is what each test asserts,
 * so it is deliberately untyped: tests reach into it freely and the assertions do the checking.
 */
// biome-ignore lint/suspicious/noExplicitAny: the assertions, not the types, check response shapes
export type ApiBody = any;
export const ADMIN = "test-admin-token";

/** A development-mode token for an address (AUTH_MODE=dev accepts `PAYLOAD.`). */
export function devToken(addr: string): string {
  return `${bytesToBase64(new TextEncoder().encode(JSON.stringify({ qspace_id: "ispc", addr })))}.`;
}

export interface CallOptions {
  body?: unknown;
  raw?: BodyInit;
  token?: string | null;
  headers?: Record<string, string>;
}

/** Calls the Worker; no token means the development user. */
export async function call(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined = opts.raw;
  if (opts.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  return exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body }));
}

export async function json<T = ApiBody>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return text ? (JSON.parse(text) as T) : (undefined as T);
}

export async function expectError(res: Response, status: number, code?: string | RegExp, message?: string | RegExp) {
  const body = await json<{ error: { code: string; message: string } }>(res, status);
  expect(body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  if (code) expect(body.error.code).toMatch(code);
  if (message) expect(body.error.message).toMatch(message);
  return body.error;
}

/**
 * Registers a model served by the loopback test provider. Each test model is its own provider
 * (named `test-<model>`): their scripted failures must not trip each other's circuit breakers.
 */
export async function registerModel(name: string, extra: Record<string, unknown> = {}) {
  const provider = { kind: "http", url: env.TEST_PROVIDER_URL, name: `test-${name}`, ...((extra.provider as Record<string, unknown> | undefined) ?? {}) };
  await json(
    await call("PUT", `/models/${name}`, {
      token: ADMIN,
      body: { description: `test model ${name}`, type: "video", ...extra, ...(extra.providers ? {} : { provider }) },
    }),
    200,
  );
}

/** Registers content whose video stream is an HLS playlist of `segments` uploaded files. */
export async function registerHls(qid: string, segments: number, opts: { segment_s?: number; token?: string; tenant?: string; title?: string } = {}) {
  const seg = opts.segment_s ?? 4;
  const playlist = [
    "#EXTM3U",
    "#EXT-X-VERSION:3",
    `#EXT-X-TARGETDURATION:${seg}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    ...Array.from({ length: segments }, (_, i) => `#EXTINF:${seg}.000,\nseg${i}.ts`),
    "#EXT-X-ENDLIST",
  ].join("\n");
  await json(
    await call("PUT", `/contents/${qid}`, {
      token: opts.token,
      body: { title: opts.title ?? `Title of ${qid}`, streams: { video: { file: "hls/video.m3u8" } }, ...(opts.tenant ? { tenant: opts.tenant } : {}) },
    }),
    201,
  );
  await upload(qid, "hls/video.m3u8", playlist, opts.token);
  for (let i = 0; i < segments; i++) await upload(qid, `hls/seg${i}.ts`, `segment ${i} bytes`, opts.token);
}

export async function upload(qid: string, path: string, data: string, token?: string) {
  const bytes = new TextEncoder().encode(data);
  await json(await call("PUT", `/contents/${qid}/files/${path}`, { raw: bytes, token, headers: { "content-length": String(bytes.length) } }), 201);
}

export async function startJob(qid: string, body: unknown, token?: string) {
  return json<{ jobs: Array<{ job_id: string; model: string; stream: string; started: boolean; message: string; error: string | null }> }>(
    await call("POST", `/${qid}/tag`, { body, token }),
    200,
  );
}

export async function jobsOf(qid: string, token?: string) {
  return json<{ jobs: ApiBody[]; meta: ApiBody }>(await call("GET", `/${qid}/job-status`, { token }), 200);
}

/** Polls the job's status until it is one of `statuses`. */
export async function waitFor(qid: string, jobId: string, statuses: string[], timeoutMs = 20_000, token?: string) {
  const until = Date.now() + timeoutMs;
  let last: ApiBody;
  while (Date.now() < until) {
    const res = await call("GET", `/${qid}/job-status`, { token });
    if (res.status === 200) {
      last = (await res.json<{ jobs: ApiBody[] }>()).jobs.find((j) => j.job_id === jobId);
      if (last && statuses.includes(last.status)) return last;
    } else await res.body?.cancel();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} did not reach ${statuses.join("/")}: last ${JSON.stringify(last)}`);
}

export async function providerCalls(model: string): Promise<Array<{ model: string; params: ApiBody; media: ApiBody; status: number; callback_url?: string }>> {
  const res = await fetch(`${env.TEST_PROVIDER_URL}/calls?model=${model}`);
  return (await res.json<{ calls: ApiBody[] }>()).calls;
}

/** Polls a gateway job (`/v1/<resource>/<id>`) until it is completed or failed, or 25 s have passed; answers the last read. */
export async function untilGatewayJobEnds(resource: "transcriptions" | "translations" | "video-analyses", id: string, token?: string): Promise<ApiBody> {
  const until = Date.now() + 25_000;
  for (;;) {
    const job = await json<ApiBody>(await call("GET", `/v1/${resource}/${id}`, { token }), 200);
    if (["completed", "failed"].includes(job.data.attributes.status) || Date.now() > until) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The parameters of the pair's current job, as its runner keeps them (what it hands a consumer with a part). */
export async function runnerJobInit(qid: string, model: string): Promise<JobInit> {
  // The store is the runner's own: tests read it through element access, which TypeScript allows for protected members.
  return runInDurableObject(env.TAG_RUNNER.getByName(runnerName(qid, model)), (runner: TagRunner) => runner["store"].job()!.init);
}
