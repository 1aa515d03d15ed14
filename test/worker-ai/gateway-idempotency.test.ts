import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { requestHash } from "../../src/api/gateway/idempotency";
import { sweepExpiredKeys } from "../../src/db/idempotency";
import { db } from "../../src/db/client";
import { ADMIN, call, devToken, expectError, json, type ApiBody } from "../worker/helpers";

/* Idempotency-Key on the gateway's creates: a retried POST never makes a second job. */

const media = () => `${env.TEST_PROVIDER_URL}/files/demo.mp4`;
const body = (attributes: Record<string, unknown>) => ({ data: { type: "transcription-job", attributes } });
const post = (key: string, b: unknown, path = "/v1/transcriptions", token?: string) => call("POST", path, { body: b, token, headers: { "Idempotency-Key": key } });
const jobCount = async () => ((await env.DB.prepare("SELECT count(*) AS n FROM gateway_jobs").first<{ n: number }>())?.n ?? 0);

describe("AI Gateway: Idempotency-Key", () => {
  it("answers a repeated create with the first 202 and no new job, whatever the order of the body's keys", async () => {
    const key = `order-${crypto.randomUUID()}`;
    const before = await jobCount();
    const first = await post(key, body({ input: { type: "video", url: media() }, options: { language: "en", format: "srt" } }));
    const firstText = await first.text();
    expect(first.status, firstText).toBe(202);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await post(key, { data: { attributes: { options: { format: "srt", language: "en" }, input: { url: media(), type: "video" } }, type: "transcription-job" } });
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("location")).toBe(first.headers.get("location"));
    expect(await again.text()).toBe(firstText);
    expect(await jobCount()).toBe(before + 1);
  });

  it("refuses the key with another body or on another resource, and frees it when the first request was refused", async () => {
    const key = `reuse-${crypto.randomUUID()}`;
    await json(await post(key, body({ input: { type: "video", url: media() } })), 202);
    await expectError(await post(key, body({ input: { type: "audio", url: media() } })), 409, "IDEMPOTENCY_KEY_REUSED");
    await expectError(await post(key, { data: { type: "translation-job", attributes: { input: { type: "text", content: "Hello", target_language: "es" } } } }, "/v1/translations"), 409, "IDEMPOTENCY_KEY_REUSED");

    // A refused request made nothing: the same key may carry the corrected one.
    const fix = `fix-${crypto.randomUUID()}`;
    await expectError(await post(fix, body({ input: { type: "video", url: media() }, options: { formt: "srt" } })), 400, "VALIDATION_ERROR");
    await expectError(await post(fix, body({ input: { type: "video", url: media() }, options: { diarization: true } })), 400, "UNSUPPORTED_FEATURE");
    const ok = await post(fix, body({ input: { type: "video", url: media() } }));
    expect(ok.status).toBe(202);
    expect(ok.headers.get("idempotent-replayed")).toBeNull();
    await ok.body?.cancel();

    await expectError(await post("x".repeat(256), body({ input: { type: "video", url: media() } })), 400, "VALIDATION_ERROR", /Idempotency-Key/);
    await expectError(await post("tab\there", body({ input: { type: "video", url: media() } })), 400, "VALIDATION_ERROR", /Idempotency-Key/);
  });

  it("makes one job when the same request arrives twice at once", async () => {
    const key = `race-${crypto.randomUUID()}`;
    const before = await jobCount();
    const b = body({ input: { type: "video", url: media() } });
    const [a, c] = await Promise.all([post(key, b), post(key, b)]);
    const statuses = [a.status, c.status].sort();
    // One created it; the other either replayed its answer or was told to retry.
    expect(statuses[0]).toBe(202);
    expect([202, 409]).toContain(statuses[1]);
    const bodies = (await Promise.all([a.json(), c.json()])) as ApiBody[];
    const ids = bodies.map((x) => x.data?.id).filter(Boolean);
    expect(new Set(ids).size).toBe(1);
    if (statuses[1] === 409) expect(bodies.some((x) => x.error?.code === "IDEMPOTENCY_KEY_IN_USE")).toBe(true);
    expect(await jobCount()).toBe(before + 1);
  });

  it("lets a repeat take over a claim whose first request never answered, but not a fresh one", async () => {
    const key = `abandoned-${crypto.randomUUID()}`;
    const b = body({ input: { type: "video", url: media() } });
    // A claim as a Worker that died mid-request leaves it: pending, no answer.
    const claimed = async (ageMs: number) =>
      env.DB.prepare("INSERT OR REPLACE INTO idempotency_keys (tenant_id, key, request_hash, status, created_at, expires_at) VALUES ('dev', ?, ?, 'pending', ?, ?)")
        .bind(key, await requestHash("/v1/transcriptions", b), Date.now() - ageMs, Date.now() + 3_600_000)
        .run();
    await claimed(1_000);
    await expectError(await post(key, b), 409, "IDEMPOTENCY_KEY_IN_USE");
    await claimed(120_000);
    const res = await post(key, b);
    expect(res.status).toBe(202);
    expect(res.headers.get("idempotent-replayed")).toBeNull();
    await res.body?.cancel();
    expect((await post(key, b)).headers.get("idempotent-replayed")).toBe("true");
  });

  it("keeps keys per tenant, and forgets them after 24 hours", async () => {
    const key = `tenant-${crypto.randomUUID()}`;
    const mine = await json<ApiBody>(await post(key, body({ input: { type: "video", url: media() } })), 202);
    const stranger = "0x5700000000000000000000000000000000000003";
    await json(await call("PUT", "/tenants/gw-idem", { token: ADMIN, body: { name: "Other" } }), 201);
    await json(await call("PUT", `/tenants/gw-idem/members/${stranger}`, { token: ADMIN, body: { role: "admin" } }), 200);
    const theirs = await json<ApiBody>(await post(key, body({ input: { type: "video", url: media() } }), "/v1/transcriptions", devToken(stranger)), 202);
    expect(theirs.data.id).not.toBe(mine.data.id);

    await env.DB.prepare("UPDATE idempotency_keys SET expires_at = ? WHERE key = ?").bind(Date.now() - 1, key).run();
    const later = await json<ApiBody>(await post(key, body({ input: { type: "audio", url: media() } })), 202);
    expect(later.data.id).not.toBe(mine.data.id);
    await env.DB.prepare("UPDATE idempotency_keys SET expires_at = ? WHERE key = ?").bind(Date.now() - 1, key).run();
    expect(await sweepExpiredKeys(db(env), Date.now())).toBeGreaterThanOrEqual(2);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM idempotency_keys WHERE key = ?").bind(key).first<{ n: number }>())?.n).toBe(0);
  });
});
