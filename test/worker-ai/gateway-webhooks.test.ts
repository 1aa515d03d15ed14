import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { base64ToBytes, bytesToBase64 } from "../../src/auth/token";
import { db } from "../../src/db/client";
import { addEvent, eventsOf } from "../../src/db/webhooks";
import { consumeWebhooks } from "../../src/gateway/webhooks/consumer";
import { call, expectError, json, type ApiBody } from "../worker/helpers";

/*
 * AI Gateway webhooks: signed (Standard Webhooks), delivered through the `webhooks` queue,
 * retried on 5xx, one delivery per event id however often the queue delivers it. The receiver
 * is the test provider's webhook sink (test/support/webhook-sink.ts). Retries wait 1 s here
 * (WEBHOOK_RETRY_DELAYS_S).
 */

interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
  status: number;
}

const hook = (name: string) => `${env.TEST_PROVIDER_URL}/hooks/${name}`;
const received = async (name: string) => ((await (await fetch(hook(name))).json()) as { received: Received[] }).received;
const script = (name: string, statuses: number[], event?: string) => fetch(`${hook(name)}/script`, { method: "PUT", body: JSON.stringify({ statuses, event }) });

async function transcribe(sink: string, headers: Record<string, string> = {}): Promise<string> {
  const body = { data: { type: "transcription-job", attributes: { input: { type: "video", url: `${env.TEST_PROVIDER_URL}/files/demo.mp4` }, webhook: { url: hook(sink), headers } }, meta: { client: { ref: sink } } } };
  return (await json<ApiBody>(await call("POST", "/v1/transcriptions", { body }), 202)).data.id as string;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const eventOf = (r: Received) => (JSON.parse(r.body) as { event: string }).event;

async function verify(secret: string, r: Received): Promise<boolean> {
  const key = await crypto.subtle.importKey("raw", base64ToBytes(secret.replace(/^whsec_/, "")), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${r.headers["webhook-id"]}.${r.headers["webhook-timestamp"]}.${r.body}`));
  return r.headers["webhook-signature"]!.split(" ").includes(`v1,${bytesToBase64(new Uint8Array(mac))}`);
}

describe("AI Gateway webhooks", () => {
  it("posts signed progress and completed events carrying the job as GET shows it, with the client's headers, and lists the deliveries on the job", async () => {
    const id = await transcribe("signed", { "X-Client-Auth": "Bearer receiver-token" });
    const got = await until("the completed event", () => received("signed"), (r) => r.some((x) => eventOf(x) === "transcription.completed"));
    const job = await until("the delivery recorded", async () => json<ApiBody>(await call("GET", `/v1/transcriptions/${id}`), 200), (j) => j.data.attributes.webhook.deliveries.some((d: ApiBody) => d.event === "transcription.completed" && d.status === "delivered"));

    const secret = (await json<ApiBody>(await call("GET", "/v1/webhook-secret"), 200)).data.attributes.secret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const events = got.map(eventOf);
    expect(events.filter((e) => e === "transcription.completed")).toHaveLength(1);
    expect(events.at(-1)).toBe("transcription.completed");
    expect(events.slice(0, -1).every((e) => e === "transcription.progress")).toBe(true);
    expect(new Set(got.map((r) => r.headers["webhook-id"])).size).toBe(got.length);
    for (const r of got) {
      expect(await verify(secret, r), "signature").toBe(true);
      expect(r.headers).toMatchObject({ "content-type": "application/json", "user-agent": "EdgeTagger-Webhooks/1", "x-client-auth": "Bearer receiver-token" });
      expect(Math.abs(Number(r.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
    }
    // A tampered body does not verify.
    expect(await verify(secret, { ...got.at(-1)!, body: got.at(-1)!.body.replace("completed", "failed") })).toBe(false);

    const completed = JSON.parse(got.at(-1)!.body) as ApiBody;
    expect(completed.meta).toEqual({ event_id: got.at(-1)!.headers["webhook-id"], sequence: expect.any(Number), occurred_at: expect.any(String) });
    // The payload is the job: status, progress, result and meta.client as GET answers them.
    expect(completed.data.id).toBe(id);
    expect(completed.data.meta).toEqual({ client: { ref: "signed" } });
    expect(completed.data.attributes).toMatchObject({ status: "completed", progress: 100, result: job.data.attributes.result });
    expect(completed.data.attributes.webhook.headers).toEqual({ "X-Client-Auth": "***" });
    expect(got.at(-1)!.body).not.toContain("receiver-token");
    const deliveries = job.data.attributes.webhook.deliveries as ApiBody[];
    expect(deliveries[0]).toEqual({ id: got.at(-1)!.headers["webhook-id"], event: "transcription.completed", sequence: completed.meta.sequence, status: "delivered", attempts: 1, last_attempt_at: expect.any(String), last_response_status: 200 });
  });

  it("retries an event the receiver answered 503, with the same id and body, and shows both attempts", async () => {
    await script("flaky", [503], "transcription.completed");
    const id = await transcribe("flaky");
    const got = await until("the completed event twice", () => received("flaky"), (r) => r.filter((x) => eventOf(x) === "transcription.completed").length === 2);
    const [first, second] = got.filter((x) => eventOf(x) === "transcription.completed");
    expect(first!.status).toBe(503);
    expect(second!.status).toBe(200);
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(second!.body).toBe(first!.body);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(500);
    const job = await until("two attempts recorded", async () => json<ApiBody>(await call("GET", `/v1/transcriptions/${id}`), 200), (j) => j.data.attributes.webhook.deliveries[0].status === "delivered");
    expect(job.data.attributes.webhook.deliveries[0]).toMatchObject({ event: "transcription.completed", status: "delivered", attempts: 2, last_response_status: 200 });
    expect(job.data.attributes.webhook.deliveries[0].last_error).toBeUndefined();
  });

  it("gives up at once on a 4xx other than 408/429 and says why on the job", async () => {
    await script("gone", [410, 410, 410, 410], "transcription.completed");
    const id = await transcribe("gone");
    const job = await until("the failure recorded", async () => json<ApiBody>(await call("GET", `/v1/transcriptions/${id}`), 200), (j) => j.data.attributes.webhook?.deliveries?.[0]?.status === "failed");
    expect(job.data.attributes.webhook.deliveries[0]).toMatchObject({ event: "transcription.completed", attempts: 1, last_response_status: 410, last_error: expect.stringMatching(/answered 410/) });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await received("gone")).filter((x) => eventOf(x) === "transcription.completed")).toHaveLength(1);
  });

  it("delivers one event once when the queue delivers its message twice, at once or one after the other, and makes no new event when a job is evaluated again", async () => {
    const id = await transcribe("twice");
    await until("the job's events delivered", async () => eventsOf(db(env), id), (e) => e.some((x) => x.dedupe_key === "terminal" && x.status === "delivered"));
    const before = await eventsOf(db(env), id);
    await addEvent(db(env), { event_id: "evt_twice", gateway_job_id: id, tenant_id: "dev", event: "transcription.test", dedupe_key: "test", sequence: 99, body: '{"event":"transcription.test"}', created_at: Date.now() });
    const message = (mid: string) => ({ id: mid, timestamp: new Date(), attempts: 1, body: { kind: "deliver", event_id: "evt_twice" } });
    const a = createMessageBatch("webhooks", [message("a1"), message("a2")]);
    const b = createMessageBatch("webhooks", [message("b1")]);
    await Promise.all([consumeWebhooks(a, env), consumeWebhooks(b, env)]);
    const c = createMessageBatch("webhooks", [message("c1")]);
    await consumeWebhooks(c, env);
    const ctx = createExecutionContext();
    expect(await getQueueResult(a, ctx)).toMatchObject({ explicitAcks: ["a1", "a2"], retryMessages: [] });
    expect(await getQueueResult(c, ctx)).toMatchObject({ explicitAcks: ["c1"], retryMessages: [] });
    expect((await received("twice")).filter((r) => r.headers["webhook-id"] === "evt_twice")).toHaveLength(1);

    const again = createMessageBatch("webhooks", [1, 2].map((i) => ({ id: `e${i}`, timestamp: new Date(), attempts: 1, body: { kind: "evaluate", gateway_job_id: id } })));
    await consumeWebhooks(again, env);
    expect((await eventsOf(db(env), id)).length).toBe(before.length + 1);
  });

  it("rotates the secret: the previous one still signs beside the new one; members who are not admins cannot read it", async () => {
    const before = (await json<ApiBody>(await call("GET", "/v1/webhook-secret"), 200)).data.attributes;
    const rotated = (await json<ApiBody>(await call("POST", "/v1/webhook-secret/rotate"), 200)).data.attributes;
    expect(rotated.secret).not.toBe(before.secret);
    expect(Date.parse(rotated.previous_expires_at) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    await transcribe("rotated");
    const got = await until("the completed event", () => received("rotated"), (r) => r.some((x) => eventOf(x) === "transcription.completed"));
    for (const r of got) {
      expect(r.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
      expect(await verify(rotated.secret, r)).toBe(true);
      expect(await verify(before.secret, r)).toBe(true);
    }
    const memberKey = await json<ApiBody>(await call("POST", "/tenants/dev/api-keys", { body: { name: "member", role: "member" } }), 201);
    const basic = `${memberKey.id}:${memberKey.secret}`;
    await expectError(await call("GET", "/v1/webhook-secret", { headers: { authorization: `Basic ${btoa(basic)}` }, token: null }), 403);
  });

  it("refuses webhook headers it sets itself, header names that are not names, and values with line breaks", async () => {
    const bad = (headers: Record<string, string>) =>
      call("POST", "/v1/transcriptions", { body: { data: { type: "transcription-job", attributes: { input: { type: "video", url: `${env.TEST_PROVIDER_URL}/files/demo.mp4` }, webhook: { url: hook("x"), headers } } } } });
    await expectError(await bad({ "Webhook-Signature": "v1,forged" }), 400, "VALIDATION_ERROR", /set by the service/);
    await expectError(await bad({ "bad header": "x" }), 400, "VALIDATION_ERROR", /header name/);
    await expectError(await bad({ "X-A": "a\r\nX-B: b" }), 400, "VALIDATION_ERROR", /line breaks/);
    await expectError(await bad(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, "v"]))), 400, "VALIDATION_ERROR", /at most 20/);
  });
});
