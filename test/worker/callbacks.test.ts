import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { signPayload } from "../../src/auth/signed-payload";
import { call, expectError, json, providerCalls, registerHls, registerModel, startJob, waitFor, type ApiBody } from "./helpers";

/** The test provider answers 202 for these jobs; the test posts the results as the provider would. */
const ASYNC = { accept_async: true };

async function acceptedCalls(model: string, count: number, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const calls = (await providerCalls(model)).filter((c) => c.status === 202);
    if (calls.length >= count) return calls;
    if (Date.now() > until) throw new Error(`only ${calls.length} of ${count} accepted calls for ${model}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pathOf = (url: string) => new URL(url).pathname;
const deliver = (url: string, body: unknown) => call("POST", pathOf(url), { body, token: null });
const tagsAt = (startMs: number) => ({ tags: [{ start_time: 100, end_time: 900, text: `deferred ${startMs}`, additional_info: { confidence: 0.8 } }] });

async function tagCount(qid: string, model: string) {
  return (await json<ApiBody>(await call("GET", `/${qid}/tags?model=${model}`), 200)).meta.total as number;
}

describe("long-running provider work: 202 and callbacks", () => {
  beforeAll(async () => {
    await registerModel("asyncm", { provider: { kind: "http", url: env.TEST_PROVIDER_URL, callback_timeout_s: 60 } });
    await registerModel("slowcb", { provider: { kind: "http", url: env.TEST_PROVIDER_URL, callback_timeout_s: 1 } });
    await registerModel("failcb", { provider: { kind: "http", url: env.TEST_PROVIDER_URL, callback_timeout_s: 60 } });
    await registerHls("cbc", 2);
    await registerHls("cbslow", 1);
    await registerHls("cbfail", 1);
  });

  it("keeps an accepted part in flight until its callback comes, then stores the tags in content time", async () => {
    const { jobs } = await startJob("cbc", { jobs: [{ model: "asyncm", model_params: ASYNC }] });
    const calls = await acceptedCalls("asyncm", 2);
    expect(calls.every((c) => c.callback_url?.startsWith("http://tagger.test/callbacks/"))).toBe(true);
    const running = await json<ApiBody>(await call("GET", "/cbc/job-status"), 200);
    expect(running.jobs[0]).toMatchObject({ status: "running", tagging_progress: "0/2" });

    for (const c of calls) {
      const res = await json<ApiBody>(await deliver(c.callback_url!, tagsAt(c.media.start_ms)), 200);
      expect(res).toEqual({ accepted: true, tags: 1 });
    }
    const done = await waitFor("cbc", jobs[0]!.job_id, ["succeeded"]);
    expect(done.tagging_progress).toBe("2/2");
    const tags = await json<ApiBody>(await call("GET", "/cbc/tags?model=asyncm"), 200);
    expect(tags.tags.map((t: { start_time: number; text: string }) => [t.start_time, t.text])).toEqual([
      [100, "deferred 0"],
      [4100, "deferred 4000"],
    ]);

    // Delivered twice: refused, and nothing changes.
    await expectError(await deliver(calls[0]!.callback_url!, { tags: [{ start_time: 0, end_time: 1, text: "second delivery" }] }), 409, "CALLBACK_NOT_EXPECTED");
    expect(await tagCount("cbc", "asyncm")).toBe(2);
    expect((await json<ApiBody>(await call("GET", "/cbc/tags?text=second"), 200)).meta.total).toBe(0);
  });

  it("refuses forged, expired and misused callback URLs with 401 and stores nothing", async () => {
    const { jobs } = await startJob("cbc", { options: { replace: true }, jobs: [{ model: "asyncm", model_params: ASYNC }] });
    const calls = (await acceptedCalls("asyncm", 4)).slice(2);
    const url = calls[0]!.callback_url!;
    const token = pathOf(url).split("/").pop()!;
    const [payload, sig] = token.split(".") as [string, string];
    const flipped = `${payload}.${sig.slice(0, -1)}${sig.endsWith("A") ? "B" : "A"}`;
    await expectError(await call("POST", `/callbacks/${flipped}`, { body: tagsAt(0) }), 401, /.+/, /signature is invalid/);
    await expectError(await call("POST", "/callbacks/garbage", { body: tagsAt(0) }), 401);
    const target = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    const { e: _e, ...rest } = target;
    const expired = await signPayload(env, "callback", rest, -10);
    await expectError(await call("POST", `/callbacks/${expired}`, { body: tagsAt(0) }), 401, /.+/, /expired/);
    // A token signed for media is no callback token.
    const media = await signPayload(env, "media", rest, 600);
    await expectError(await call("POST", `/callbacks/${media}`, { body: tagsAt(0) }), 401);
    // A malformed result is refused before anything is stored.
    await expectError(await deliver(url, { tags: [{ start_time: -5, end_time: 1, text: "x" }] }), 400, "VALIDATION_ERROR");
    await expectError(await deliver(url, { tags: [], extra: true }), 400, "VALIDATION_ERROR");
    await expectError(await call("POST", pathOf(url), { raw: "{not json", headers: { "content-type": "application/json" } }), 400);

    const state = await json<ApiBody>(await call("GET", "/cbc/job-status"), 200);
    expect(state.jobs.find((j: { job_id: string }) => j.job_id === jobs[0]!.job_id)).toMatchObject({ status: "running", tagging_progress: "0/2" });
    // The genuine URLs still work afterwards.
    for (const c of calls) await json(await deliver(c.callback_url!, tagsAt(c.media.start_ms)), 200);
    await waitFor("cbc", jobs[0]!.job_id, ["succeeded"]);
  });

  it("sends a part again when its callback never comes; the first attempt's late callback changes nothing", async () => {
    const { jobs } = await startJob("cbslow", { jobs: [{ model: "slowcb", model_params: ASYNC }] });
    const [first] = await acceptedCalls("slowcb", 1);
    // callback_timeout_s is 1: the watchdog sends the part again (attempt 2, a new URL).
    const [, second] = await acceptedCalls("slowcb", 2, 20_000);
    expect(second!.callback_url).not.toBe(first!.callback_url);
    await expectError(await deliver(first!.callback_url!, tagsAt(0)), 409, "CALLBACK_NOT_EXPECTED");
    expect(await tagCount("cbslow", "slowcb")).toBe(0);
    await json(await deliver(second!.callback_url!, tagsAt(0)), 200);
    const done = await waitFor("cbslow", jobs[0]!.job_id, ["succeeded"]);
    expect(done.tagging_progress).toBe("1/1");
    expect(await tagCount("cbslow", "slowcb")).toBe(1);
  });

  it("takes a reported failure: permanent ends the part with a warning, and the job fails when every part failed", async () => {
    const { jobs } = await startJob("cbfail", { jobs: [{ model: "failcb", model_params: ASYNC }] });
    const [c] = await acceptedCalls("failcb", 1);
    expect(await json<ApiBody>(await deliver(c!.callback_url!, { error: "GPU out of memory" }), 200)).toEqual({ accepted: true, tags: 0 });
    const failed = await waitFor("cbfail", jobs[0]!.job_id, ["failed"]);
    expect(failed.error).toMatch(/GPU out of memory/);
    expect(failed.tag_details.warnings).toEqual({ num_warnings: 1, last_warning: expect.stringMatching(/Failed to tag part .*GPU out of memory/) });
  });
});
