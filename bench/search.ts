// `npm run bench:search`: tag search on a large library. Seeds 1,000,000 tags over 1,000
// contents into a fresh local D1 (through the migrations' FTS5 triggers, as the engine's writes
// go), starts the service on it, and prints search latency (median, p99) against a trivial route
// (GET /health) measured in the same run. Target (issue 13): median ratio ≤ 3.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { freePort, type LocalService, migrateLocal, startLocalService } from "../scripts/lib/local-service";

const CONTENTS = Number(process.env.SEARCH_CONTENTS ?? 1_000);
const TAGS_PER_CONTENT = Number(process.env.SEARCH_TAGS_PER_CONTENT ?? 1_000);
const SAMPLES = Number(process.env.SEARCH_SAMPLES ?? 200);
/** The development user's tenant (AUTH_MODE=dev): every content is its own. */
const TENANT = "dev";

const dir = mkdtempSync(join(tmpdir(), "tagger-search-bench-"));
const state = join(dir, "state");
let service: LocalService | undefined;

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
// A vocabulary whose words are common, middling and rare, as in real on-screen text and speech.
const COMMON = ["the", "news", "live", "today", "breaking", "weather", "sport", "market", "city", "night"];
const MIDDLE = Array.from({ length: 500 }, (_, i) => `word${i}`);
const RARE = Array.from({ length: 20_000 }, (_, i) => `term${i}x`);
const TRACKS = ["ocr", "speech_to_text", "object_detection", "logo_detection"];

/** Deterministic pseudo-random numbers (mulberry32), so every run searches the same library. */
let seed = 42;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!;

function contentSql(c: number): string {
  const qid = `lib${c}`;
  const now = Date.parse("2026-01-01T00:00:00Z");
  const rows: string[] = [];
  for (let i = 0; i < TAGS_PER_CONTENT; i++) {
    const track = TRACKS[i % TRACKS.length]!;
    const words = [pick(COMMON), pick(MIDDLE), ...(rand() < 0.3 ? [pick(RARE)] : []), ...(rand() < 0.2 ? [`casablanca${c % 10}`] : [])];
    const box = track === "ocr" || track === "object_detection" ? q(JSON.stringify({ frame_idx: i, box: { x1: 0.1, y1: 0.1, x2: 0.4, y2: 0.2 } })) : "NULL";
    const info = q(JSON.stringify({ confidence: Math.round(rand() * 1000) / 1000 }));
    rows.push(`(${q(`${qid}-${i}`)}, ${q(`b-${qid}-${track}`)}, ${q(TENANT)}, ${q(qid)}, ${q(track)}, ${q(`job-${qid}`)}, ${q(track)}, ${q(`video/${i}`)}, ${i * 1000}, ${i * 1000 + 800}, ${q(words.join(" "))}, ${box}, ${info})`);
  }
  const out = [
    `INSERT INTO contents (qid, tenant_id, title, streams, assets, part_duration_ms, origin, created_by, created_at, updated_at) VALUES (${q(qid)}, ${q(TENANT)}, ${q(`Library item ${c}`)}, '{}', '{}', 30000, 'registry', 'bench', ${now}, ${now});`,
  ];
  for (let i = 0; i < rows.length; i += 200) {
    out.push(`INSERT INTO tags (id, batch_id, tenant_id, qid, track, job_id, model, source, start_time, end_time, text, frame_info, additional_info) VALUES\n${rows.slice(i, i + 200).join(",\n")};`);
  }
  return out.join("\n");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function timed(path: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    const res = await fetch(`${service!.url}${path}`);
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

try {
  console.log(`bench:search: seeding ${CONTENTS * TAGS_PER_CONTENT} tags over ${CONTENTS} contents in ${dir}`);
  migrateLocal(state);
  const seedStart = performance.now();
  const BATCH = 50;
  for (let c = 0; c < CONTENTS; c += BATCH) {
    const file = join(dir, "tags.sql");
    writeFileSync(file, Array.from({ length: Math.min(BATCH, CONTENTS - c) }, (_, k) => contentSql(c + k)).join("\n"));
    const load = spawnSync("node_modules/.bin/wrangler", ["d1", "execute", "DB", "--local", "--persist-to", state, "--file", file], { encoding: "utf8", env: { ...process.env, CI: "true" }, maxBuffer: 64 * 1024 * 1024 });
    if (load.status !== 0) throw new Error(`seeding failed: ${load.stderr}`);
    process.stdout.write(`\r  ${Math.min(c + BATCH, CONTENTS)}/${CONTENTS} contents`);
  }
  console.log(`\n  seeded in ${Math.round((performance.now() - seedStart) / 1000)} s`);

  service = await startLocalService({ port: await freePort(), persistTo: state, vars: { URL_SIGNING_KEY: "bench-signing-key" }, logLevel: "warn" });
  const queries: Array<[string, string]> = [
    ["a rare word", "/search/tags?text=term123x"],
    ["a word prefix (20 % of the library)", "/search/tags?text=casablanca"],
    ["a middling word, ocr with boxes only", "/search/tags?text=word42&track=ocr&has_box=true"],
    ["a rare word, confidence ≥ 0.5, by time", "/search/tags?text=term77x&min_confidence=0.5&sort=start_time"],
    ["one content's tags in a window", "/search/tags?qid=lib500&start_time=100000&end_time=200000"],
    ["a content's facets", "/lib7/tags/facets"],
  ];
  // Warm up: the first requests compile the Worker and open the database.
  for (const [, path] of queries) await timed(path);
  await sleep(200);
  const trivial = await timed("/health");
  const base = quantile(trivial, 0.5);
  console.log(`\nGET /health: median ${base.toFixed(2)} ms, p99 ${quantile(trivial, 0.99).toFixed(2)} ms (${SAMPLES} samples)`);
  console.log(`search over ${CONTENTS * TAGS_PER_CONTENT} tags, ${SAMPLES} samples each (target: median ÷ /health ≤ 3)`);
  for (const [what, path] of queries) {
    const t = await timed(path);
    const total = ((await (await fetch(`${service.url}${path}`)).json()) as { meta?: { total: number } }).meta?.total;
    console.log(
      `  ${what.padEnd(42)} median ${quantile(t, 0.5).toFixed(2).padStart(7)} ms (×${(quantile(t, 0.5) / base).toFixed(2)}), p99 ${quantile(t, 0.99).toFixed(2).padStart(7)} ms (×${(quantile(t, 0.99) / base).toFixed(2)})${total !== undefined ? `, ${total} hits` : ""}`,
    );
  }
} finally {
  await service?.stop();
  rmSync(dir, { recursive: true, force: true });
}
