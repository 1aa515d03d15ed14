import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type SearchQuery, searchTags } from "../../src/tagstore/search";
import { ADMIN, call, json, type ApiBody } from "./helpers";

/*
 * The relevance fast path (rank the index's best matches, look up and filter only those) must
 * give exactly the pages of ranking every match, whatever the filters leave, and the count stops
 * at its cap. A corpus of 400 tags over 4 contents is written straight to D1 (the FTS triggers
 * index it as the engine's writes do); small limits reach the paths a large library would.
 */
const TENANT = "rank-t";
const FILLER = ["red", "green", "blue"];

beforeAll(async () => {
  const now = Date.now();
  const statements = [];
  for (let c = 0; c < 4; c++) {
    statements.push(
      env.DB.prepare(
        "INSERT INTO contents (qid, tenant_id, title, streams, assets, part_duration_ms, origin, created_by, created_at, updated_at) VALUES (?, ?, ?, '{}', '{}', 30000, 'registry', 'test', ?, ?)",
      ).bind(`rank-${c}`, TENANT, `Ranked ${c}`, now, now),
    );
    for (let i = 0; i < 100; i++) {
      // Tag lengths of 1 to 4 words: bm25 tells them apart, and many tie.
      const words = ["alpha", ...FILLER.slice(0, (i + c) % 4), ...(i % 25 === 0 ? ["beta"] : [])];
      const track = i % 3 === 0 ? "ocr" : "speech_to_text";
      statements.push(
        env.DB.prepare(
          "INSERT INTO tags (id, batch_id, tenant_id, qid, track, job_id, model, source, start_time, end_time, text, frame_info, additional_info) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
        ).bind(`rank-${c}-${i}`, `b-rank-${c}`, TENANT, `rank-${c}`, track, `job-rank-${c}`, track, `video/${i}`, i * 1000, i * 1000 + 800, words.join(" "), JSON.stringify({ confidence: ((i * 37) % 100) / 100 })),
      );
    }
  }
  // One more content with a word in 1,001 tags: past the API's count cap.
  statements.push(
    env.DB.prepare(
      "INSERT INTO contents (qid, tenant_id, title, streams, assets, part_duration_ms, origin, created_by, created_at, updated_at) VALUES ('rank-many', ?, 'Many', '{}', '{}', 30000, 'registry', 'test', ?, ?)",
    ).bind(TENANT, now, now),
  );
  for (let i = 0; i <= 1_000; i++) {
    statements.push(
      env.DB.prepare(
        "INSERT INTO tags (id, batch_id, tenant_id, qid, track, job_id, model, source, start_time, end_time, text) VALUES (?, 'b-rank-many', ?, 'rank-many', 'ocr', 'job-rank-many', 'ocr', ?, ?, ?, 'gamma')",
      ).bind(`rank-many-${i}`, TENANT, `video/${i}`, i * 1000, i * 1000 + 500),
    );
  }
  for (let i = 0; i < statements.length; i += 100) await env.DB.batch(statements.slice(i, i + 100));
});

const small = { countCap: 10_000, minCandidates: 10 };
const ids = (hits: Array<{ qid: string; start_time: number }>) => hits.map((h) => `${h.qid}@${h.start_time}`);

describe("relevance over the index's best matches", () => {
  const queries: Array<[string, Omit<SearchQuery, "sort">]> = [
    ["every tag", { text: "alpha" }],
    ["a third of them (a track)", { text: "alpha", track: "ocr" }],
    ["few of them (a high confidence)", { text: "alpha", min_confidence: 0.95 }],
    ["one content's", { text: "alpha", qid: "rank-2" }],
    ["a rare word", { text: "beta" }],
  ];

  for (const [what, filters] of queries) {
    it(`pages ${what} exactly as ranking every match does`, async () => {
      const q = { ...filters, sort: "relevance" as const };
      // A page this large reads every match: the full ranking.
      const all = await searchTags(env, [TENANT], q, 0, 500, small);
      expect(all.total).toBe(all.hits.length);
      expect(all.total).toBeGreaterThan(0);
      const paged: string[] = [];
      for (let start = 0; start < all.total; start += 7) {
        const page = await searchTags(env, [TENANT], q, start, 7, small);
        expect(page.total).toBe(all.total);
        paged.push(...ids(page.hits));
      }
      expect(paged).toEqual(ids(all.hits));
    });
  }

  it("ranks shorter tags that say the word first, ties in the order the tags were written", async () => {
    const { hits } = await searchTags(env, [TENANT], { text: "alpha", sort: "relevance" }, 0, 500, small);
    const lengths = hits.map((h) => h.text.split(" ").length);
    expect(lengths[0]).toBe(1);
    expect(lengths.at(-1)).toBeGreaterThanOrEqual(4);
    expect([...lengths].sort((a, b) => a - b)).toEqual(lengths);
  });

  it("counts up to the cap and then says the total is a lower bound", async () => {
    const capped = await searchTags(env, [TENANT], { text: "alpha", sort: "relevance" }, 0, 5, { countCap: 50, minCandidates: 10 });
    expect(capped).toMatchObject({ total: 50, total_capped: true });
    expect(capped.hits).toHaveLength(5);
    const exact = await searchTags(env, [TENANT], { text: "beta", sort: "relevance" }, 0, 5, { countCap: 50, minCandidates: 10 });
    expect(exact).toMatchObject({ total: 16, total_capped: false });
    // Past the cap the pages go on.
    const deep = await searchTags(env, [TENANT], { text: "alpha", sort: "start_time" }, 390, 20, { countCap: 50, minCandidates: 10 });
    expect(deep.hits).toHaveLength(10);
  });

  it("says so in meta when more tags match than it counts, and pages on past the count", async () => {
    const first = await json<ApiBody>(await call("GET", `/search/tags?text=gamma&tenant=${TENANT}&limit=200`, { token: ADMIN }), 200);
    expect(first.meta).toEqual({ total: 1_000, total_capped: true, start: 0, limit: 200, count: 200 });
    const last = await json<ApiBody>(await call("GET", `/search/tags?text=gamma&tenant=${TENANT}&start=1000&limit=200`, { token: ADMIN }), 200);
    expect(last.meta).toMatchObject({ start: 1000, count: 1 });
    const few = await json<ApiBody>(await call("GET", `/search/tags?text=beta&tenant=${TENANT}`, { token: ADMIN }), 200);
    expect(few.meta).toEqual({ total: 16, start: 0, limit: 20, count: 16 });
  });
});
