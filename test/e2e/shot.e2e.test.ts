import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../reference-provider/sample";
import { registerDemo } from "../../scripts/lib/demo-content";
import { freePort, type LocalService, migrateLocal, startLocalService, startReferenceProviderProcess } from "../../scripts/lib/local-service";

interface StoredTag {
  start_time: number;
  end_time: number;
  text: string;
  source: string;
  additional_info: { scene_score?: number } | null;
}

/**
 * The whole service as a user runs it: `wrangler dev` (local D1, R2, Queues, Durable Objects)
 * and the reference provider as separate processes on loopback, real HTTP between them.
 */
describe("end to end: tag the sample video with shot", () => {
  let dir: string;
  let api: LocalService;
  let provider: LocalService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tagger-e2e-"));
    migrateLocal(join(dir, "state"));
    provider = await startReferenceProviderProcess(await freePort());
    // A fresh clone has no .dev.vars: the secrets come as variables.
    api = await startLocalService({ port: await freePort(), persistTo: join(dir, "state"), vars: { REFERENCE_PROVIDER_URL: provider.url, URL_SIGNING_KEY: "e2e-signing-key", ADMIN_TOKEN: "e2e-admin-token" } });
    await registerDemo(api.url, join(dir, "demo.mp4"));
  });

  afterAll(async () => {
    await api?.stop();
    await provider?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${api.url}${path}`);
    const text = await res.text();
    expect(res.status, `${path}: ${text}`).toBe(200);
    return JSON.parse(text) as T;
  };

  it("finds exactly the video's known cuts", async () => {
    const started = await fetch(`${api.url}/${DEMO.qid}/tag`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jobs: [{ model: "shot" }] }) });
    const body = (await started.json()) as { jobs: Array<{ job_id: string; started: boolean }> };
    expect(started.status).toBe(200);
    expect(body.jobs[0]?.started).toBe(true);

    let status = "";
    let job: { status: string; tagging_progress: string; tag_details: { warnings: unknown } } | undefined;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      ({ jobs: [job] } = await get<{ jobs: Array<NonNullable<typeof job>> }>(`/${DEMO.qid}/job-status`));
      status = job?.status ?? "";
      if (status === "succeeded" || status === "failed" || status === "cancelled") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(status, api.output() + provider.output()).toBe("succeeded");
    const parts = DEMO.duration_s / DEMO.part_duration;
    expect(job?.tagging_progress).toBe(`${parts}/${parts}`);
    expect(job?.tag_details.warnings).toBeNull();

    const { tags, meta } = await get<{ tags: StoredTag[]; meta: { total: number } }>(`/${DEMO.qid}/tags?track=shot_detection&limit=1000`);
    expect(meta.total).toBe(tags.length);
    // Shots tile the whole video in content time...
    expect(tags[0]?.start_time).toBe(0);
    for (let i = 1; i < tags.length; i++) expect(tags[i]?.start_time).toBe(tags[i - 1]?.end_time);
    expect(tags.at(-1)?.end_time).toBe(DEMO.duration_s * 1000);
    // ...and the shots that start at a detected cut are exactly the known cuts, to a frame.
    const cuts = tags.filter((t) => t.additional_info?.scene_score !== undefined).map((t) => t.start_time);
    expect(cuts).toHaveLength(DEMO.cuts_s.length);
    const frameMs = 1000 / DEMO.fps;
    DEMO.cuts_s.forEach((cut, i) => expect(Math.abs((cuts[i] ?? -1) - cut * 1000)).toBeLessThanOrEqual(frameMs));
    // Every other shot starts where a part starts: the provider saw no cut there.
    for (const t of tags.filter((t) => t.additional_info === null)) expect(t.start_time % (DEMO.part_duration * 1000)).toBe(0);

    const tracks = await get<{ tracks: Array<{ name: string; models: string[]; tag_count: number }> }>(`/${DEMO.qid}/tracks`);
    expect(tracks.tracks).toEqual([expect.objectContaining({ name: "shot_detection", models: ["shot"], tag_count: tags.length })]);
  });
});
