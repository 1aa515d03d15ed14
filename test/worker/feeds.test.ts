import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { runnerName } from "../../src/contract/runner";
import { feedShardName } from "../../src/contract/feed";
import type { FeedEvent } from "../../src/durable-objects/feed-events";
import type { TenantFeed } from "../../src/durable-objects/tenant-feed";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type ApiBody, BASE, call, devToken, expectError, json, registerHls, registerModel, startJob, waitFor } from "./helpers";

interface Message {
  type: string;
  seq?: number;
  feed_seq?: number;
  job_id?: string;
  qid?: string;
  // ApiBody: feed payloads are read field by field, and the assertions check their shapes.
  data?: Record<string, ApiBody>;
  jobs?: Array<Record<string, ApiBody>>;
  at?: string;
}

/** A feed socket and everything it received, with the time each message came. */
async function connect(path: string, token?: string) {
  const sep = path.includes("?") ? "&" : "?";
  const url = `${BASE}${path}${token ? `${sep}authorization=${encodeURIComponent(token)}` : ""}`;
  const res = await exports.default.fetch(url, { headers: { Upgrade: "websocket" } });
  if (res.status !== 101) throw new Error(`feed ${path}: ${res.status} ${await res.text()}`);
  const ws = res.webSocket!;
  const received: Array<Message & { t: number }> = [];
  ws.addEventListener("message", (e) => received.push({ ...(JSON.parse(e.data as string) as Message), t: Date.now() }));
  ws.accept();
  return {
    ws,
    received,
    async until(pred: (m: Message) => boolean, timeoutMs = 20_000) {
      await expect.poll(() => received.some(pred), { timeout: timeoutMs, interval: 20 }).toBe(true);
    },
    close: () => ws.close(1000, "done"),
  };
}

type Feed = Awaited<ReturnType<typeof connect>>;

const ALICE = "0x00000000000000000000000000000000000000f1";
const BOB = "0x00000000000000000000000000000000000000f2";
const DAVE = "0x00000000000000000000000000000000000000f4";

describe("progress feeds", () => {
  beforeAll(async () => {
    await registerModel("feedm");
    for (const [t, who] of [["feeda", ALICE], ["feedb", BOB]] as const) {
      await json(await call("PUT", `/tenants/${t}`, { token: ADMIN, body: { name: t } }), 201);
      await json(await call("PUT", `/tenants/${t}/members/${who}`, { token: ADMIN, body: { role: "member" } }), 200);
    }
  });

  it("a pair's feed: a snapshot, then every event of the job in order", async () => {
    await registerHls("feed1", 3);
    const feed = await connect("/feed1/feed/feedm");
    await feed.until((m) => m.type === "snapshot");
    expect(feed.received[0]).toMatchObject({ type: "snapshot", jobs: [] });
    const { jobs } = await startJob("feed1", { jobs: [{ model: "feedm", model_params: { latency_ms: 50 } }] });
    await feed.until((m) => m.type === "job.succeeded");
    const events = feed.received.filter((m) => m.type !== "snapshot");
    expect(events[0]).toMatchObject({ type: "job.queued", job_id: jobs[0]!.job_id, qid: "feed1", seq: 1 });
    expect(events[1]).toMatchObject({ type: "job.running", seq: 2, data: { total_parts: 3 } });
    expect(events.at(-1)).toMatchObject({ type: "job.succeeded", data: { status: "succeeded", tagged_parts: 3, progress: 1, tagging_progress: "3/3" } });
    events.forEach((e, i) => expect(e.seq).toBe(i + 1));
    const tagEvents = events.filter((e) => e.type === "job.tags");
    expect(tagEvents).toHaveLength(3);
    expect(tagEvents.map((e) => e.data!.start_time).sort((a, b) => a - b)).toEqual([0, 4000, 8000]);
    expect(tagEvents[0]!.data).toMatchObject({ track: "feedm", count: 1 });
    feed.close();
  });

  it("replays what a client missed with ?since=", async () => {
    const feed = await connect("/feed1/feed/feedm?since=2");
    await feed.until((m) => m.type === "job.succeeded");
    expect(feed.received[0]).toMatchObject({ type: "snapshot", jobs: [expect.objectContaining({ qid: "feed1", status: "succeeded" })] });
    const seqs = feed.received.filter((m) => m.type !== "snapshot").map((m) => m.seq);
    expect(seqs[0]).toBe(3);
    expect(seqs).toEqual(seqs.map((_, i) => i + 3));
    feed.close();
  });

  it("a tenant's feed carries its jobs only, filtered on request; other tenants get nothing", async () => {
    const alice = devToken(ALICE);
    const bob = devToken(BOB);
    await registerHls("fa1", 2, { token: alice, tenant: "feeda" });
    await registerHls("fa2", 2, { token: alice, tenant: "feeda" });
    await registerHls("fb1", 2, { token: bob, tenant: "feedb" });
    const all = await connect("/feed", alice);
    const only = await connect("/feed?qid=fa2", alice);
    await all.until((m) => m.type === "snapshot");
    const b = await startJob("fb1", { jobs: [{ model: "feedm" }] }, bob);
    const a1 = await startJob("fa1", { jobs: [{ model: "feedm" }] }, alice);
    const a2 = await startJob("fa2", { jobs: [{ model: "feedm" }] }, alice);
    await all.until((m) => m.type === "job.succeeded" && m.job_id === a1.jobs[0]!.job_id);
    await all.until((m) => m.type === "job.succeeded" && m.job_id === a2.jobs[0]!.job_id);
    await only.until((m) => m.type === "job.succeeded");
    await waitFor("fb1", b.jobs[0]!.job_id, ["succeeded"], 20_000, bob);
    const seen = new Set(all.received.map((m) => m.job_id).filter(Boolean));
    expect(seen).toEqual(new Set([a1.jobs[0]!.job_id, a2.jobs[0]!.job_id]));
    expect(new Set(only.received.map((m) => m.qid).filter(Boolean))).toEqual(new Set(["fa2"]));
    const feedSeqs = all.received.filter((m) => m.feed_seq !== undefined).map((m) => m.feed_seq!);
    expect(feedSeqs).toEqual([...feedSeqs].sort((x, y) => x - y));
    all.close();
    only.close();
    // Bob sees neither Alice's tenant feed nor her content's pair feed.
    await expectError(await exports.default.fetch(`${BASE}/feed?tenant=feeda&authorization=${encodeURIComponent(bob)}`, { headers: { Upgrade: "websocket" } }), 403);
    await expectError(await exports.default.fetch(`${BASE}/fa1/feed/feedm?authorization=${encodeURIComponent(bob)}`, { headers: { Upgrade: "websocket" } }), 403);
    // Alice's own feed, replayed from the start, still has nothing of Bob's.
    const replay = await connect("/feed?since=0", alice);
    await replay.until((m) => m.type === "job.succeeded");
    expect(replay.received.some((m) => m.job_id === b.jobs[0]!.job_id)).toBe(false);
    replay.close();
  });

  it("spreads a tenant's sockets over FEED_SHARDS objects (3 here): each gets every event once, in feed_seq order, and ?since= replays on a shard", async () => {
    await json(await call("PUT", "/tenants/feedd", { token: ADMIN, body: { name: "feedd" } }), 201);
    await json(await call("PUT", `/tenants/feedd/members/${DAVE}`, { token: ADMIN, body: { role: "member" } }), 200);
    const dave = devToken(DAVE);
    await registerHls("fd1", 3, { token: dave, tenant: "feedd" });
    const socks: Feed[] = [];
    for (let i = 0; i < 6; i++) socks.push(await connect("/feed", dave));
    for (const s of socks) await s.until((m) => m.type === "snapshot");
    // In turn: two on the TenantFeed itself, two on each FeedShard.
    const held = async () => [
      await runInDurableObject(env.TENANT_FEED.getByName("feedd"), (_i, state) => state.getWebSockets().length),
      ...(await Promise.all([1, 2].map((k) => runInDurableObject(env.FEED_SHARD.getByName(feedShardName("feedd", k)), (_i, state) => state.getWebSockets().length)))),
    ];
    expect(await held()).toEqual([2, 2, 2]);
    const job = (await startJob("fd1", { jobs: [{ model: "feedm" }] }, dave)).jobs[0]!.job_id;
    for (const s of socks) await s.until((m) => m.type === "job.succeeded" && m.job_id === job);
    const seqsOf = (s: Feed) => s.received.filter((m) => m.type !== "snapshot").map((m) => m.feed_seq!);
    const first = seqsOf(socks[0]!);
    expect(first.length).toBeGreaterThanOrEqual(6);
    expect(first).toEqual([...new Set(first)].sort((x, y) => x - y));
    for (const s of socks) expect(seqsOf(s)).toEqual(first);
    // Twenty events published back to back in one call: every object sends them in feed_seq order.
    const burst: FeedEvent[] = Array.from({ length: 20 }, (_, i) => ({ type: "job.progress", job_id: job, qid: "fd1", model: "feedm", tenant: "feedd", seq: 1000 + i, at: new Date().toISOString(), data: {} }));
    await env.TENANT_FEED.getByName("feedd").publishMany(burst);
    for (const s of socks) await s.until((m) => m.seq === 1019);
    const all = [...first, ...Array.from({ length: 20 }, (_, i) => first.at(-1)! + 1 + i)];
    for (const s of socks) expect(seqsOf(s)).toEqual(all);
    for (const s of socks) s.close();
    // Three more, one on each object again, each replaying what came after the second event.
    const since = first[1]!;
    const replays: Feed[] = [];
    for (let i = 0; i < 3; i++) replays.push(await connect(`/feed?since=${since}`, dave));
    for (const r of replays) {
      await r.until((m) => m.seq === 1019);
      expect(r.received[0]).toMatchObject({ type: "snapshot", feed_seq: all.at(-1) });
      expect(seqsOf(r)).toEqual(all.slice(2));
      r.close();
    }
  });

  it("events published together reach each socket of every object in feed_seq order, each socket only those its filter matches", async () => {
    await json(await call("PUT", "/tenants/feede", { token: ADMIN, body: { name: "feede" } }), 201);
    await json(await call("PUT", `/tenants/feede/members/${DAVE}`, { token: ADMIN, body: { role: "member" } }), 200);
    const dave = devToken(DAVE);
    await registerHls("fe2", 1, { token: dave, tenant: "feede" });
    await registerHls("fe3", 1, { token: dave, tenant: "feede" });
    const filters = ["", "?qid=fe2", "?model=feedm", "?qid=fe2&model=feedm"];
    // Twice over, so each filter has sockets on more than one of the tenant's three objects.
    const socks: Array<{ filter: string; feed: Feed }> = [];
    for (let round = 0; round < 2; round++) for (const filter of filters) socks.push({ filter, feed: await connect(`/feed${filter}${filter ? "&" : "?"}tenant=feede`, dave) });
    for (const { feed } of socks) await feed.until((m) => m.type === "snapshot");
    const events: FeedEvent[] = Array.from({ length: 12 }, (_, i) => ({
      type: i % 2 ? "job.tags" : "job.progress",
      job_id: "mixed",
      qid: i % 2 ? "fe2" : "fe3",
      model: i % 3 ? "feedm" : "other",
      tenant: "feede",
      seq: 2000 + i,
      at: new Date().toISOString(),
      data: {},
    }));
    // The last one matches every filter: when it has arrived, everything before it has.
    events.push({ ...events[1]!, seq: 2012, model: "feedm" });
    await env.TENANT_FEED.getByName("feede").publishMany(events);
    for (const { filter, feed } of socks) {
      await feed.until((m) => m.seq === 2012);
      const q = new URLSearchParams(filter);
      const expected = events.filter((e) => (!q.get("qid") || e.qid === q.get("qid")) && (!q.get("model") || e.model === q.get("model"))).map((e) => e.seq);
      const got = feed.received.filter((m) => m.job_id === "mixed");
      expect(got.map((m) => m.seq), `socket /feed${filter}`).toEqual(expected);
      const feedSeqs = got.map((m) => m.feed_seq!);
      expect(feedSeqs).toEqual([...feedSeqs].sort((x, y) => x - y));
      feed.close();
    }
  });

  it("a shard left without sockets stops getting events once no socket was placed on it lately; the TenantFeed remembers its shards across restarts", async () => {
    const hub = env.TENANT_FEED.getByName("feedd");
    const shardsOf = () => runInDurableObject(hub, (_i, state) => state.storage.sql.exec<{ k: number }>("SELECT k FROM shards ORDER BY k").toArray().map((r) => r.k));
    expect(await shardsOf()).toEqual([1, 2]);
    await expect.poll(async () => (await Promise.all([1, 2].map((k) => runInDurableObject(env.FEED_SHARD.getByName(feedShardName("feedd", k)), (_i, state) => state.getWebSockets().length)))).every((n) => n === 0), { timeout: 5_000 }).toBe(true);
    // As if the last placement was long ago, and the hub started afresh (its shard list from storage).
    await runInDurableObject(hub, (instance: TenantFeed, state) => {
      state.storage.sql.exec("UPDATE shards SET placed_at = 0");
      // Element access reaches the private cache, as a restarted object would start without it.
      instance["shards"] = undefined;
    });
    const dave = devToken(DAVE);
    await registerHls("fd2", 1, { token: dave, tenant: "feedd" });
    const job = (await startJob("fd2", { jobs: [{ model: "feedm" }] }, dave)).jobs[0]!.job_id;
    await waitFor("fd2", job, ["succeeded"], 20_000, dave);
    await expect.poll(shardsOf, { timeout: 5_000 }).toEqual([]);
  });

  it("a caller in several tenants follows all of them on one socket, and resumes each with its own since", async () => {
    const CAROL = "0x00000000000000000000000000000000000000f3";
    await json(await call("PUT", "/tenants/feedc", { token: ADMIN, body: { name: "feedc" } }), 201);
    for (const t of ["feeda", "feedc"]) await json(await call("PUT", `/tenants/${t}/members/${CAROL}`, { token: ADMIN, body: { role: "member" } }), 200);
    const carol = devToken(CAROL);
    await registerHls("fmulti-a", 1, { token: carol, tenant: "feeda" });
    await registerHls("fmulti-c", 1, { token: carol, tenant: "feedc" });
    const feed = await connect("/feed", carol);
    await feed.until((m) => m.type === "snapshot" && (m as { tenant?: string }).tenant === "feeda");
    await feed.until((m) => m.type === "snapshot" && (m as { tenant?: string }).tenant === "feedc");
    const a = await startJob("fmulti-a", { jobs: [{ model: "feedm" }] }, carol);
    const c = await startJob("fmulti-c", { jobs: [{ model: "feedm" }] }, carol);
    await feed.until((m) => m.type === "job.succeeded" && m.job_id === a.jobs[0]!.job_id);
    await feed.until((m) => m.type === "job.succeeded" && m.job_id === c.jobs[0]!.job_id);
    // Nothing of a tenant Carol is not in.
    expect(feed.received.every((m) => m.type === "snapshot" || ["fmulti-a", "fmulti-c"].includes(m.qid ?? "") || m.qid?.startsWith("fa"))).toBe(true);
    expect(feed.received.some((m) => m.qid === "fb1")).toBe(false);
    feed.close();
    // Resuming: each tenant's events after its own feed_seq.
    const last = (t: string) => Math.max(0, ...feed.received.filter((m) => (m as { tenant?: string }).tenant === t && m.feed_seq !== undefined).map((m) => m.feed_seq!));
    const resumed = await connect(`/feed?since=feeda:${last("feeda") - 1},feedc:${last("feedc")}`, carol);
    await resumed.until((m) => m.type === "job.succeeded" && m.job_id === a.jobs[0]!.job_id);
    expect(resumed.received.filter((m) => m.type.startsWith("job.")).map((m) => m.job_id)).toEqual([a.jobs[0]!.job_id]);
    resumed.close();
    await expectError(await exports.default.fetch(`${BASE}/feed?since=feeda:1,bad%20tenant:2&authorization=${encodeURIComponent(carol)}`, { headers: { Upgrade: "websocket" } }), 400, "VALIDATION_ERROR", /since/);
  });

  it("keeps sockets across the object going away (hibernation): the next event still arrives", async () => {
    await registerHls("feedh", 2);
    const feed = await connect("/feedh/feed/feedm");
    await feed.until((m) => m.type === "snapshot");
    const runner = env.TAG_RUNNER.getByName(runnerName("feedh", "feedm"));
    await runInDurableObject(runner, (instance) => {
      // A property of this instance only (not of the class): a new instance will not have it.
      (instance as unknown as { marker?: number }).marker = 1;
    });
    // Idle with only a hibernatable socket: the runtime evicts the object (about 10 s).
    await new Promise((r) => setTimeout(r, 12_000));
    const marker = await runInDurableObject(runner, (instance) => (instance as unknown as { marker?: number }).marker);
    // A new instance: the one that accepted the socket is gone.
    expect(marker).toBeUndefined();
    await startJob("feedh", { jobs: [{ model: "feedm" }] });
    await feed.until((m) => m.type === "job.succeeded");
    feed.close();
  }, 40_000);

  it("a runner that restarts rebuilds its job from storage: a new subscriber's snapshot still has it", async () => {
    await registerHls("feedr", 2);
    const started = await startJob("feedr", { jobs: [{ model: "feedm" }] });
    const jobId = started.jobs[0]!.job_id;
    await waitFor("feedr", jobId, ["succeeded"]);
    // Throw the instance away (its memory goes; its storage stays), as the runtime does on eviction.
    await runInDurableObject(env.TAG_RUNNER.getByName(runnerName("feedr", "feedm")), (_runner, state) => state.abort("restart")).catch(() => undefined);
    const feed = await connect("/feedr/feed/feedm");
    await feed.until((m) => m.type === "snapshot");
    expect(feed.received.find((m) => m.type === "snapshot")).toMatchObject({ jobs: [{ job_id: jobId, status: "succeeded" }] });
    feed.close();
  });

  it("coalesces progress: a burst of parts makes at most about ten progress events a second", async () => {
    await registerHls("feedburst", 60, { segment_s: 1 });
    const feed = await connect("/feedburst/feed/feedm");
    await startJob("feedburst", { jobs: [{ model: "feedm" }] });
    await feed.until((m) => m.type === "job.succeeded", 30_000);
    const progress = feed.received.filter((m) => m.type === "job.progress");
    // Without coalescing there would be two per part (fetched, tagged): 120.
    expect(progress.length).toBeLessThan(60);
    for (let i = 2; i < progress.length; i++) expect(progress[i]!.t - progress[i - 2]!.t).toBeGreaterThanOrEqual(100);
    // The last counters are right.
    expect(feed.received.at(-1)).toMatchObject({ type: "job.succeeded", data: { tagged_parts: 60 } });
    feed.close();
  });

  it("answers plain requests and bad parameters with JSON errors", async () => {
    await expectError(await call("GET", "/feed1/feed/feedm"), 426, "UPGRADE_REQUIRED");
    await expectError(await exports.default.fetch(`${BASE}/feed1/feed/feedm?bogus=1`, { headers: { Upgrade: "websocket" } }), 400, "VALIDATION_ERROR", /bogus/);
    await expectError(await exports.default.fetch(`${BASE}/feed1/feed/feedm?since=abc`, { headers: { Upgrade: "websocket" } }), 400, "VALIDATION_ERROR", /since/);
    await expectError(await exports.default.fetch(`${BASE}/feed`, { headers: { Upgrade: "websocket", authorization: `Bearer ${ADMIN}` } }), 400, "TENANT_REQUIRED");
    await expectError(await exports.default.fetch(`${BASE}/nope/feed/feedm`, { headers: { Upgrade: "websocket" } }), 404);
  });
});
