import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { runnerName } from "../../src/contract/runner";
import { consumeBatch } from "../../src/pipeline/consumer";
import { ADMIN, call, devToken, expectError, json, registerHls, registerModel, startJob, waitFor, type ApiBody } from "./helpers";

/*
 * Tag search across contents and a content's facets, on a known corpus written through the real
 * engine: the test provider answers exactly the tags of `tags_by_part` for each part (4 s parts).
 */

/** A provider's tag: `start` in ms from the start of its part. */
const tag = (text: string, start: number, confidence: number, box = false) => ({
  start_time: start,
  end_time: start + 500,
  text,
  additional_info: { confidence },
  ...(box ? { frame_info: { frame_idx: 0, box: { x1: 0.1, y1: 0.1, x2: 0.5, y2: 0.3 } } } : {}),
});

const STRANGER = "0x5e00000000000000000000000000000000000001";

async function tagWith(qid: string, model: string, byPart: Record<string, unknown[]>, token?: string) {
  const { jobs } = await startJob(qid, { jobs: [{ model, model_params: { tags_by_part: byPart } }] }, token);
  return waitFor(qid, jobs[0]!.job_id, ["succeeded"], 20_000, token);
}

const search = async (query: string, token?: string) => json<{ hits: ApiBody[]; meta: ApiBody }>(await call("GET", `/search/tags?${query}`, { token }), 200);

describe("tag search across contents", () => {
  beforeAll(async () => {
    await registerModel("screen-text", { type: "frame" });
    await registerModel("captions", { type: "video" });
    await registerHls("srch-casa", 2, { title: "Casablanca (1942)" });
    await registerHls("srch-paris", 1, { title: "Paris Nights" });
    await tagWith("srch-casa", "screen-text", {
      "0": [tag("Casablanca", 1000, 0.95, true), tag("Welcome to Casablanca, Rick", 2000, 0.6)],
      "4000": [tag("Café Américain", 500, 0.85, true)],
    });
    await tagWith("srch-casa", "captions", { "0": [tag("A man walks into Rick's café", 1200, 0.7)] });
    await tagWith("srch-paris", "screen-text", { "0": [tag("casablanca", 100, 0.4), tag("Paris", 300, 0.99, true)] });
    // Another tenant's content says the same word: never found by this tenant.
    await json(await call("PUT", "/tenants/srch-other", { token: ADMIN, body: { name: "Other" } }), 201);
    await json(await call("PUT", `/tenants/srch-other/members/${STRANGER}`, { token: ADMIN, body: { role: "admin" } }), 200);
    await registerHls("srch-theirs", 1, { token: devToken(STRANGER), tenant: "srch-other", title: "Theirs" });
    await tagWith("srch-theirs", "screen-text", { "0": [tag("Casablanca", 100, 0.99)] }, devToken(STRANGER));
  });

  it("finds word prefixes whatever their case and accents, across the caller's contents only, by relevance", async () => {
    const { hits, meta } = await search("text=casa");
    expect(meta).toEqual({ total: 3, start: 0, limit: 20, count: 3 });
    expect(hits.map((h) => h.qid).sort()).toEqual(["srch-casa", "srch-casa", "srch-paris"]);
    // A one-word tag that is the word ranks above a sentence that mentions it (bm25).
    expect(hits.slice(0, 2).map((h) => h.text.toLowerCase())).toEqual(["casablanca", "casablanca"]);
    expect(hits[2]).toEqual({
      qid: "srch-casa",
      title: "Casablanca (1942)",
      track: "screen-text",
      model: "screen-text",
      start_time: 2000,
      end_time: 2500,
      text: "Welcome to Casablanca, Rick",
      confidence: 0.6,
      frame_info: null,
      job_id: expect.any(String),
    });
    expect((await search("text=CAFE%20americ")).hits.map((h) => h.text)).toEqual(["Café Américain"]);
    expect((await search("text=rick%20welcome")).hits.map((h) => h.text)).toEqual(["Welcome to Casablanca, Rick"]);
    expect((await search("text=casablancas")).meta.total).toBe(0);
    // The other tenant finds its own only.
    expect((await search("text=casablanca", devToken(STRANGER))).hits.map((h) => h.qid)).toEqual(["srch-theirs"]);
  });

  it("filters by confidence, box, track, model, content and time, sorts, and pages", async () => {
    expect((await search("text=casablanca&min_confidence=0.8")).hits.map((h) => [h.qid, h.text])).toEqual([["srch-casa", "Casablanca"]]);
    expect((await search("has_box=true&sort=start_time")).hits.map((h) => h.text)).toEqual(["Paris", "Casablanca", "Café Américain"]);
    expect((await search("has_box=false&qid=srch-casa")).hits.map((h) => h.text)).toEqual(["A man walks into Rick's café", "Welcome to Casablanca, Rick"]);
    expect((await search("model=captions")).hits.map((h) => h.text)).toEqual(["A man walks into Rick's café"]);
    expect((await search("track=screen-text&qid=srch-casa&start_time=1800&end_time=5000")).hits.map((h) => h.text)).toEqual(["Welcome to Casablanca, Rick", "Café Américain"]);
    expect((await search("qid=srch-casa&sort=-confidence")).hits.map((h) => h.confidence)).toEqual([0.95, 0.85, 0.7, 0.6]);
    const page = await search("qid=srch-casa&sort=-start_time&start=1&limit=2");
    expect(page.meta).toEqual({ total: 4, start: 1, limit: 2, count: 2 });
    expect(page.hits.map((h) => h.start_time)).toEqual([2000, 1200]);
    // A system administrator searches every tenant.
    expect((await search("text=casablanca", ADMIN)).meta.total).toBe(4);
  });

  it("refuses bad queries with the field named, and another tenant by name", async () => {
    await expectError(await call("GET", "/search/tags?text=%20%21%21"), 400, "BAD_REQUEST", /no words/);
    await expectError(await call("GET", "/search/tags?sort=relevance"), 400, "BAD_REQUEST", /needs text/);
    await expectError(await call("GET", "/search/tags?sort=loudest"), 400, "VALIDATION_ERROR", /sort/);
    await expectError(await call("GET", "/search/tags?min_confidence=2"), 400, "VALIDATION_ERROR", /min_confidence/);
    await expectError(await call("GET", "/search/tags?has_box=yes"), 400, "VALIDATION_ERROR", /has_box/);
    await expectError(await call("GET", "/search/tags?start_time=5&end_time=2"), 400, "BAD_REQUEST");
    await expectError(await call("GET", "/search/tags?colour=red"), 400, "VALIDATION_ERROR", /colour/);
    await expectError(await call("GET", "/search/tags?limit=-1"), 400, "VALIDATION_ERROR", /limit/);
    await expectError(await call("GET", "/search/tags?tenant=srch-other"), 403, "FORBIDDEN");
    await expectError(await call("GET", "/search/tags?text=x", { token: "not-a-token" }), 401);
    // FTS syntax in the text is only words: quotes, stars and operators cannot break the query.
    expect((await search(`text=${encodeURIComponent('"casa*"')}`)).meta.total).toBe(3);
    expect((await search(`text=${encodeURIComponent("casa NEAR(")}`)).meta.total).toBe(0);
  });

  it("keeps the index exact when a part's tags are written twice and when a run replaces them", async () => {
    await registerModel("twice-search");
    await registerHls("srch-twice", 2);
    const byPart = { "0": [tag("Zanzibar harbour", 100, 0.9)], "4000": [tag("Zanzibar market", 100, 0.9)] };
    const { jobs } = await startJob("srch-twice", { jobs: [{ model: "twice-search", model_params: { tags_by_part: byPart, latency_ms: 200 } }] });
    const jobId = jobs[0]!.job_id;
    // While the real delivery is in flight, the queue delivers the same part again.
    await new Promise((r) => setTimeout(r, 50));
    const part = { id: "video/0-4000", idx: 0, start_ms: 0, duration_ms: 4000, kind: "segment", source: "r2:files/srch-twice/hls/seg0.ts", content_type: "video/mp2t" };
    await consumeBatch(createMessageBatch("parts", [{ id: "x", timestamp: new Date(), attempts: 1, body: { type: "part", job_id: jobId, runner: runnerName("srch-twice", "twice-search"), part, attempt: 1 } }]), env);
    await waitFor("srch-twice", jobId, ["succeeded"]);
    expect((await search("text=zanzibar")).hits.map((h) => h.text).sort()).toEqual(["Zanzibar harbour", "Zanzibar market"]);

    // A replace run: the old texts leave the search, the new ones come in.
    const again = await startJob("srch-twice", { options: { replace: true }, jobs: [{ model: "twice-search", model_params: { tags_by_part: { "0": [tag("Zanzibar ferry", 100, 0.9)] } } }] });
    await waitFor("srch-twice", again.jobs[0]!.job_id, ["succeeded"]);
    expect((await search("text=zanzibar")).hits.map((h) => h.text)).toEqual(["Zanzibar ferry"]);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM tags_fts WHERE tags_fts MATCH 'harbour'").first<{ n: number }>())?.n).toBe(1);
  });
});

describe("tag facets of a content", () => {
  it("counts each track's tags and its most frequent texts", async () => {
    await registerModel("facet-model", { type: "frame" });
    await registerHls("facets", 2);
    await tagWith("facets", "facet-model", {
      "0": [tag("logo", 0, 0.9), tag("logo", 1000, 0.9), tag("car", 2000, 0.8)],
      "4000": [tag("logo", 0, 0.9), tag("tree", 1000, 0.9), tag("car", 2000, 0.8)],
    });
    const body = await json<ApiBody>(await call("GET", "/facets/tags/facets"), 200);
    expect(body).toEqual({
      qid: "facets",
      tracks: [{ track: "facet-model", count: 6, distinct_texts: 3, texts: [{ text: "logo", count: 3 }, { text: "car", count: 2 }, { text: "tree", count: 1 }] }],
    });
    expect((await json<ApiBody>(await call("GET", "/facets/tags/facets?top=1"), 200)).tracks[0].texts).toEqual([{ text: "logo", count: 3 }]);
    expect((await json<ApiBody>(await call("GET", "/facets/tags/facets?track=nope"), 200)).tracks).toEqual([]);
    await expectError(await call("GET", "/facets/tags/facets?top=9999"), 400, "VALIDATION_ERROR", /top/);
    await expectError(await call("GET", "/facets/tags/facets", { token: devToken(STRANGER) }), 403);
    await expectError(await call("GET", "/no-such-content/tags/facets"), 404);
  });
});
