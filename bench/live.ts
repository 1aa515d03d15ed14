import { type Bench, quantile, sleep } from "./lib";

export const LIVE_SECONDS = 20;
export const LIVE_LATENCY_MS = 100;
/** Lag is measured on at most this many of the jobs, so that measuring does not load the runtime. */
const LIVE_SAMPLED_JOBS = 5;

export interface LiveFigure {
  jobs: number;
  median: number;
  p95: number;
  samples: number;
  bound: number;
}

/**
 * Runs `n` live jobs at once on their own channels of the loopback origin (1 s segments, one per
 * part) and measures, for the segments of a few of them, the time from the segment appearing
 * in the playlist (its program date: the origin publishes it then) to its tag being readable.
 * Uses the model `livebench` (the loopback provider, LIVE_LATENCY_MS a part).
 */
export async function liveLag(b: Bench, n: number): Promise<LiveFigure> {
  const qids = Array.from({ length: n }, (_, i) => `live${n}-${i}`);
  for (const qid of qids) {
    const res = await fetch(`${b.providerUrl}/live/${qid}/config`, { method: "POST", body: JSON.stringify({ segment_s: 1, window: 10 }) });
    if (!res.ok) throw new Error(`live origin: ${res.status}`);
    await b.call("PUT", `/contents/${qid}`, { title: qid, streams: { video: { url: `${b.providerUrl}/live/${qid}/index.m3u8` } } });
  }
  const ids = await Promise.all(
    qids.map(async (qid) => {
      const res = (await (await b.call("POST", `/${qid}/tag`, { options: { scope: { type: "livestream", segment_length: 1, max_duration: LIVE_SECONDS } }, jobs: [{ model: "livebench" }] })).json()) as { jobs: Array<{ job_id: string; started: boolean }> };
      if (!res.jobs[0]?.started) throw new Error(`live job on ${qid} did not start`);
      return res.jobs[0].job_id;
    }),
  );
  const sampled = qids.slice(0, LIVE_SAMPLED_JOBS);
  const firstSeen = new Map<string, number>();
  const lags: number[] = [];
  const until = Date.now() + (LIVE_SECONDS + 30) * 1000;
  for (;;) {
    for (const qid of sampled) {
      const { tags } = (await (await b.call("GET", `/${qid}/tags?limit=1000`)).json()) as { tags: Array<{ id: string; additional_info: { timestamp_ms?: number } | null }> };
      const now = Date.now();
      for (const t of tags) {
        if (firstSeen.has(t.id) || typeof t.additional_info?.timestamp_ms !== "number") continue;
        firstSeen.set(t.id, now);
        lags.push(now - t.additional_info.timestamp_ms);
      }
    }
    const { jobs } = (await (await b.call("GET", `/job-status?status=running&limit=1000`)).json()) as { jobs: Array<{ job_id: string }> };
    if (!jobs.some((j) => ids.includes(j.job_id)) || Date.now() > until) break;
    await sleep(100);
  }
  lags.sort((a, c) => a - c);
  return { jobs: n, median: quantile(lags, 0.5), p95: quantile(lags, 0.95), samples: lags.length, bound: 1000 + LIVE_LATENCY_MS + 1000 };
}
