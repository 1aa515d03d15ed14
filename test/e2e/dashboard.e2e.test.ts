import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, samplePath } from "../../reference-provider/sample";
import { freePort, type LocalService, migrateLocal, startLocalService, startReferenceProviderProcess } from "../../scripts/lib/local-service";
import { vendorAssets } from "../../scripts/vendor-assets";
import { BROWSER_FLAGS, browserExecutable } from "../support/browser";

/** The development user (AUTH_MODE=dev, no token): src/auth/principal.ts. */
const DEV_ADDRESS = "0xde70000000000000000000000000000000000001";

const SHOTS = join(process.cwd(), "test-output", "dashboard");

/**
 * The dashboard in a headless Chromium (from npm), against wrangler dev and the reference provider: register
 * the sample from the UI, tag it with shot, watch the feed take the job to 100%, find the shots
 * on the timeline, seek with one, and download the track as WebVTT.
 */
describe("end to end: the dashboard in a browser", () => {
  let dir: string;
  let api: LocalService;
  let provider: LocalService;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tagger-ui-"));
    mkdirSync(SHOTS, { recursive: true });
    vendorAssets();
    migrateLocal(join(dir, "state"));
    provider = await startReferenceProviderProcess(await freePort());
    api = await startLocalService({ port: await freePort(), persistTo: join(dir, "state"), vars: { REFERENCE_PROVIDER_URL: provider.url, URL_SIGNING_KEY: "e2e-signing-key", ADMIN_TOKEN: "e2e-admin" } });
    browser = await chromium.launchPersistentContext(join(dir, "profile"), { executablePath: await browserExecutable(), headless: true, args: BROWSER_FLAGS, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    page = await browser.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await provider?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers, tags, follows and browses the sample", async (ctx) => {
    // On failure, what the page showed.
    ctx.onTestFailed(async () => {
      await page.screenshot({ path: join(SHOTS, "failure.png"), fullPage: true }).catch(() => undefined);
      console.error(`notice: ${await page.locator("#notice").textContent().catch(() => "?")}; hash: ${await page.evaluate(() => location.hash).catch(() => "?")}`);
    });
    await page.goto(`${api.url}/ui/#content`);
    await expect.poll(() => page.locator("#feed-state").textContent(), { timeout: 15_000 }).toBe("live");
    await page.screenshot({ path: join(SHOTS, "1-content.png"), fullPage: true });

    // Register the sample video by uploading it.
    await page.getByLabel("Content id").fill(DEMO.qid);
    await page.getByLabel("Title").fill("Demo from the dashboard");
    await page.getByLabel("or an MP4 file").setInputFiles(samplePath(DEMO.files.video));
    await page.getByLabel("Part duration (s)").fill(String(DEMO.part_duration));
    await page.getByRole("button", { name: "Register" }).click();
    await expect.poll(() => page.locator("#notice").textContent(), { timeout: 30_000 }).toBe(`Registered ${DEMO.qid}.`);

    // Start shot with its params form (generated from the model's schema).
    await page.locator("#start-qid").selectOption(DEMO.qid);
    await page.locator("#start-model").selectOption("shot");
    await expect.poll(() => page.locator("#param-threshold").inputValue(), { timeout: 10_000 }).toBe("0.3");
    // The form holds shot's parameters only.
    expect(await page.locator("#params input").count()).toBe(1);
    await page.getByRole("button", { name: "Start" }).click();

    // The job's progress bar reaches 100% through the feed.
    const bar = page.getByRole("progressbar", { name: `${DEMO.qid} shot progress` });
    await expect.poll(async () => Number(await bar.getAttribute("value")), { timeout: 60_000 }).toBe(100);
    await expect.poll(() => page.locator(`#jobs tbody tr td.status-succeeded`).count(), { timeout: 10_000 }).toBe(1);
    await page.screenshot({ path: join(SHOTS, "2-jobs.png"), fullPage: true });

    // The shots on the timeline; clicking one seeks the player there.
    await page.getByRole("button", { name: "Tags", exact: true }).click();
    await page.locator("#tags-qid").selectOption(DEMO.qid);
    const lane = page.locator('.lane[data-track="shot_detection"] .tag');
    // Exactly the seven shots (joined across the 10 s parts), under a ruler, in a labelled lane.
    await expect.poll(() => lane.count(), { timeout: 15_000 }).toBe(DEMO.cuts_s.length + 1);
    expect(await page.locator("#timeline .ruler .tick").count()).toBeGreaterThan(3);
    expect(await page.locator(".lane[data-track=\"shot_detection\"] .lane-name").textContent()).toBe(`Shot Detection · ${DEMO.cuts_s.length + 1}`);
    expect(await page.locator("#legend").textContent()).toContain("Shot Detection");
    await expect.poll(() => page.evaluate(() => (document.querySelector("#player") as HTMLVideoElement).readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const cut = DEMO.cuts_s[1]! * 1000;
    await page.locator(`.lane[data-track="shot_detection"] .tag[data-start="${cut}"]`).click();
    await expect.poll(() => page.evaluate(() => (document.querySelector("#player") as HTMLVideoElement).currentTime), { timeout: 5000 }).toBeCloseTo(cut / 1000, 1);
    await page.screenshot({ path: join(SHOTS, "3-tags.png"), fullPage: true });

    // The track as WebVTT.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Shot Detection (WebVTT)" }).click()]);
    const vtt = readFileSync((await download.path())!, "utf8");
    expect(vtt.startsWith("WEBVTT")).toBe(true);
    expect(vtt).toContain("00:00:13.000 --> ");
    expect(vtt.split("\n\n").filter((b) => b.includes("-->")).length).toBe(await lane.count());

    // The confidence filter hides the shots the model was least sure of (the 0.42 one at 44 s);
    // shots without a confidence (the first) stay.
    await page.locator("#min-confidence").fill("0.5");
    await page.locator("#min-confidence").dispatchEvent("change");
    await expect.poll(() => lane.count(), { timeout: 10_000 }).toBe(DEMO.cuts_s.length);
    await page.locator("#min-confidence").fill("0");
    await page.locator("#min-confidence").dispatchEvent("change");
    await expect.poll(() => lane.count(), { timeout: 10_000 }).toBe(DEMO.cuts_s.length + 1);
    // The tag list pages.
    expect(await page.locator("#tags-page").textContent()).toBe(`1–${DEMO.cuts_s.length + 1} of ${DEMO.cuts_s.length + 1}`);

    // A quick re-run (every part tagged already): the row the page adds after the start answer
    // must not win over the feed's job.succeeded, and the page says why nothing was tagged.
    const startShot = async (replace: boolean) => {
      await page.getByRole("button", { name: "Content", exact: true }).click();
      await page.locator("#start-qid").selectOption(DEMO.qid);
      await page.locator("#start-model").selectOption("shot");
      await page.locator("#start-replace").setChecked(replace);
      await page.getByRole("button", { name: "Start" }).click();
      await expect.poll(() => page.locator("#notice").textContent(), { timeout: 10_000 }).toBe(`Started shot on ${DEMO.qid}.`);
    };
    await startShot(false);
    const rows = page.locator("#jobs tbody tr");
    await expect.poll(() => page.locator("#jobs tbody td.status-succeeded").count(), { timeout: 30_000 }).toBe(2);
    expect(await page.locator("#jobs tbody td.status-queued, #jobs tbody td.status-running").count()).toBe(0);
    expect(await rows.first().textContent()).toContain("Nothing to tag");
    expect(await rows.first().getByRole("button", { name: "Stop" }).count()).toBe(0);
    expect(await page.locator("#notice").getAttribute("class")).toBe("notice-ok");
    await page.screenshot({ path: join(SHOTS, "5-quick-rerun.png"), fullPage: true });

    // A re-run with "Replace earlier tags" tags every part again and leaves one copy of each shot.
    await startShot(true);
    await expect.poll(() => page.locator("#jobs tbody td.status-succeeded").count(), { timeout: 60_000 }).toBe(3);
    expect(await rows.first().textContent()).toContain(`${DEMO.duration_s / DEMO.part_duration}/${DEMO.duration_s / DEMO.part_duration}`);
    await page.getByRole("button", { name: "Tags", exact: true }).click();
    await page.locator("#tags-qid").selectOption(DEMO.qid);
    await expect.poll(() => lane.count(), { timeout: 15_000 }).toBe(DEMO.cuts_s.length + 1);
    await page.screenshot({ path: join(SHOTS, "6-replace.png"), fullPage: true });

    // A job that fails is shown failed, with its error, not as a full bar.
    const reg = await fetch(`${api.url}/contents/broken`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "Broken", streams: { video: { file: "missing.m3u8" } } }) });
    expect(reg.status).toBe(201);
    await page.getByRole("button", { name: "Content", exact: true }).click();
    await expect.poll(() => page.locator("#start-qid option[value=broken]").count(), { timeout: 10_000 }).toBe(1);
    await page.locator("#start-qid").selectOption("broken");
    await page.locator("#start-model").selectOption("shot");
    await page.getByRole("button", { name: "Start" }).click();
    const failed = page.locator("#jobs tbody tr", { has: page.locator("td.status-failed") });
    await expect.poll(() => failed.count(), { timeout: 30_000 }).toBe(1);
    expect(await failed.textContent()).toContain("failed at 0/0");
    expect(await failed.textContent()).toContain("No uploaded file");
    expect(Number(await failed.getByRole("progressbar").getAttribute("value"))).toBe(0);
    await page.screenshot({ path: join(SHOTS, "7-failed.png"), fullPage: true });

    // The failed job's event log says what happened; Resume runs it again (and it fails again: the file is still missing).
    await failed.getByRole("button", { name: "Events" }).click();
    await expect.poll(() => page.locator("#job-log tbody").textContent(), { timeout: 10_000 }).toContain("Ended failed");
    expect(await page.locator("#h-job-log").textContent()).toBe("Event log of shot on broken");
    await failed.getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => page.locator("#notice").textContent(), { timeout: 10_000 }).toBe("Resumed shot on broken.");
    await expect.poll(() => page.locator("#jobs tbody tr", { hasText: "broken" }).count(), { timeout: 30_000 }).toBe(2);
    await page.screenshot({ path: join(SHOTS, "8-events-resume.png"), fullPage: true });

    // A member of a second tenant sees both tenants' jobs: one feed socket over every tenant.
    const admin = { authorization: "Bearer e2e-admin", "content-type": "application/json" };
    const put = (path: string, body: unknown) => fetch(`${api.url}${path}`, { method: "PUT", headers: admin, body: JSON.stringify(body) });
    expect((await put("/tenants/second", { name: "Second" })).status).toBe(201);
    expect((await put(`/tenants/second/members/${DEV_ADDRESS}`, { role: "member" })).status).toBe(200);
    await page.reload();
    await expect.poll(() => page.locator("#feed-state").textContent(), { timeout: 15_000 }).toBe("live");
    const second = await fetch(`${api.url}/contents/other`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ tenant: "second", title: "Other", streams: { video: { file: "missing.m3u8" } } }) });
    expect(second.status).toBe(201);
    const started = await fetch(`${api.url}/other/tag`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jobs: [{ model: "shot" }] }) });
    expect(started.status).toBe(200);
    // The job of the second tenant arrives through the feed and ends as it did (failed: no file).
    await expect.poll(() => page.locator("#jobs tbody tr", { hasText: "other" }).locator("td.status-failed").count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator("#jobs tbody tr", { hasText: "broken" }).count()).toBe(2);

    // A token the service refuses is an error notice, and is not kept for the next visit.
    await page.locator("#token").fill("not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("#notice").textContent(), { timeout: 10_000 }).toMatch(/^Sign in: Invalid token/);
    expect(await page.locator("#notice").getAttribute("class")).toBe("notice-error");
    expect(await page.evaluate(() => localStorage.getItem("tagger-token"))).toBeNull();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.locator("#feed-state").textContent(), { timeout: 15_000 }).toBe("live");

    await page.getByRole("button", { name: "Models and providers" }).click();
    await expect.poll(() => page.locator("#providers tbody tr").count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, "4-models.png"), fullPage: true });
  });

  it("finds a word on screen across the library, opens the hit in the Tags view at its time, and shows queue figures beside provider health", async (ctx) => {
    ctx.onTestFailed(async () => {
      await page.screenshot({ path: join(SHOTS, "failure-search.png"), fullPage: true }).catch(() => undefined);
      console.error(`notice: ${await page.locator("#notice").textContent().catch(() => "?")}; hash: ${await page.evaluate(() => location.hash).catch(() => "?")}`);
    });
    // The word on screen, read by the reference OCR model.
    const started = await fetch(`${api.url}/${DEMO.qid}/tag`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jobs: [{ model: "ocr" }] }) });
    const jobId = ((await started.json()) as { jobs: Array<{ job_id: string }> }).jobs[0]!.job_id;
    await expect
      .poll(async () => ((await (await fetch(`${api.url}/${DEMO.qid}/job-status`)).json()) as { jobs: Array<{ job_id: string; status: string }> }).jobs.find((j) => j.job_id === jobId)?.status, { timeout: 120_000, interval: 500 })
      .toBe("succeeded");
    const expected = ((await (await fetch(`${api.url}/search/tags?text=tagg`)).json()) as { hits: Array<{ start_time: number; text: string }> }).hits;
    expect(expected.length).toBeGreaterThan(0);

    await page.locator('nav button[data-page="search"]').click();
    await page.getByLabel("Words", { exact: true }).fill("tagg");
    await page.locator("#search-form").getByRole("button", { name: "Search" }).click();
    const hits = page.locator("#search-hits tbody tr");
    await expect.poll(() => hits.count(), { timeout: 10_000 }).toBe(expected.length);
    expect(await hits.first().textContent()).toContain(DEMO.text.word);
    expect(await hits.first().textContent()).toContain("Demo from the dashboard");
    expect(await page.locator("#search-page").textContent()).toBe(`1–${expected.length} of ${expected.length}`);
    await page.screenshot({ path: join(SHOTS, "9-search.png"), fullPage: true });

    // Filters without words: the shots, in time order.
    await page.getByLabel("Words", { exact: true }).fill("");
    await page.getByLabel("Track", { exact: true }).fill("shot_detection");
    await page.getByLabel("Sort", { exact: true }).selectOption("start_time");
    await page.locator("#search-form").getByRole("button", { name: "Search" }).click();
    await expect.poll(() => page.locator("#search-page").textContent(), { timeout: 10_000 }).toBe(`1–${DEMO.cuts_s.length + 1} of ${DEMO.cuts_s.length + 1}`);
    expect(await hits.nth(1).locator("td").nth(1).textContent()).toBe(`0:0${DEMO.cuts_s[0]!.toFixed(1)}`);
    // A query with no words to look for is the API's clear error, shown as a notice.
    await page.getByLabel("Track", { exact: true }).fill("");
    await page.getByLabel("Words", { exact: true }).fill("--");
    await page.locator("#search-form").getByRole("button", { name: "Search" }).click();
    await expect.poll(() => page.locator("#notice").textContent(), { timeout: 10_000 }).toMatch(/^Search: text has no words/);

    // The hit's time opens the content's Tags view there.
    await page.getByLabel("Words", { exact: true }).fill("tagg");
    await page.getByLabel("Sort", { exact: true }).selectOption("");
    await page.locator("#search-form").getByRole("button", { name: "Search" }).click();
    await expect.poll(() => hits.count(), { timeout: 10_000 }).toBe(expected.length);
    await hits.first().getByRole("button", { name: new RegExp(`^Open ${DEMO.qid} at `) }).click();
    await expect.poll(() => page.locator("#page-tags").isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => page.locator("#tags-qid").inputValue(), { timeout: 10_000 }).toBe(DEMO.qid);
    await expect
      .poll(() => page.evaluate(() => (document.querySelector("#player") as HTMLVideoElement).currentTime), { timeout: 15_000 })
      .toBeCloseTo(expected[0]!.start_time / 1000, 1);
    await expect.poll(() => page.locator('.lane[data-track="ocr"] .tag').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, "10-search-opened.png"), fullPage: true });

    // Queue figures beside provider health: the reference provider's recent work, nothing pending.
    await page.getByRole("button", { name: "Models and providers" }).click();
    const ocrQueue = page.locator('#queues tbody tr[data-model="ocr"] td');
    // (The page was left on this view by the test before: its first rows may still be the old ones.)
    await expect.poll(async () => Number(await ocrQueue.nth(6).textContent().catch(() => "0")), { timeout: 10_000 }).toBe(1.2);
    expect(await ocrQueue.nth(1).textContent()).toBe("0");
    expect(await ocrQueue.nth(2).textContent()).toBe("0");
    const reference = page.locator('#providers tbody tr[data-provider="reference"] td');
    expect(await reference.nth(3).textContent()).toBe("0");
    expect(Number(await reference.nth(5).textContent())).toBeGreaterThan(0);
    expect(await page.locator("#queues caption").textContent()).toBe("Queues per model, last 5 minutes");
    await page.screenshot({ path: join(SHOTS, "11-queues.png"), fullPage: true });
  });
});
