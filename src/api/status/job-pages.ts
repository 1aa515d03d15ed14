import type { Db } from "../../db/client";
import { findJobsFingerprinted, type JobFilter, jobsFingerprint, type JobSort } from "../../db/jobs";
import type { JobRow } from "../../db/schema";
import { jobStatusView, viewDependsOnNow } from "../../jobs/view";

/**
 * /job-status pages kept in the isolate's memory and answered again while their jobs are
 * unchanged. Whether they are is one small read: the fingerprints of the filter's scopes, which
 * D1 triggers change with every change to a job (migrations/0016_job_fingerprints.sql). A page
 * and its fingerprint are read in one batch, so a page is never labelled with an older state than
 * its own. Polling an unchanged list (what a client waiting for its jobs does) then costs one
 * small D1 read instead of the page, its total over every matching job, and its rendering.
 *
 * A page whose jobs keep changing would pay two round trips (the check, then the page): after a
 * check finds its page changed, the next request of that page reads it at once, with its
 * fingerprint, and checks again only once two reads in a row found the same jobs.
 */

/** A page as /job-status answers it: its JSON body, and its total (the 404 check reads it). */
export interface JobStatusPage {
  body: string;
  total: number;
}

interface Entry {
  fingerprint: string;
  rows: JobRow[];
  total: number;
  /** The whole answer, when no row's view depends on the time of the request. */
  body: string | null;
  /** The last read found the page changed: the next one reads it at once, with its fingerprint. */
  changed: boolean;
  /** When the page was read from D1. */
  readAt: number;
}

/**
 * Pages kept per D1 binding, least recently used dropped first, and the jobs on them all
 * together: a page holds up to 1,000 (MAX_JOBS_PER_PAGE), about 1.5 KB of memory each with its
 * JSON, so 10,000 bound the cache to some 15 MB of an isolate's 128 MB.
 */
const MAX_PAGES = 256;
const MAX_JOBS_KEPT = 10_000;
/**
 * A page is read again after this long whatever its fingerprint says: the bound on how long a
 * page could be wrong if two states of a scope ever drew the same fingerprint (about one chance
 * in 10^12 a change).
 */
const MAX_AGE_MS = 60_000;

/** One D1 binding's pages, in the order they were last used, and how many jobs they hold. */
interface Pages {
  byKey: Map<string, Entry>;
  jobs: number;
}

const pagesByDb = new WeakMap<Db, Pages>();

function pagesOf(d: Db): Pages {
  let pages = pagesByDb.get(d);
  if (!pages) pagesByDb.set(d, (pages = { byKey: new Map(), jobs: 0 }));
  return pages;
}

function forget(pages: Pages, key: string): void {
  const entry = pages.byKey.get(key);
  if (!entry) return;
  pages.byKey.delete(key);
  pages.jobs -= entry.rows.length;
}

function keep(pages: Pages, key: string, entry: Entry): void {
  pages.byKey.set(key, entry);
  pages.jobs += entry.rows.length;
  for (const oldest of pages.byKey.keys()) {
    if (pages.byKey.size <= MAX_PAGES && pages.jobs <= MAX_JOBS_KEPT) break;
    forget(pages, oldest);
  }
}

function render(rows: JobRow[], total: number, start: number, limit: number, now: number): string {
  return JSON.stringify({ jobs: rows.map((r) => jobStatusView(r, now)), meta: { total, start, limit, count: rows.length } });
}

/**
 * The page of jobs matching `filter` (which carries the caller's scope: the cache key is the
 * whole filter, so a page is only ever answered to a query of exactly the same scope). `fresh`:
 * read the page whatever is kept (a request's `Cache-Control: no-cache`).
 */
export async function jobStatusPage(d: Db, filter: JobFilter, start: number, limit: number, sort: JobSort, now: number, fresh = false): Promise<JobStatusPage> {
  const pages = pagesOf(d);
  const key = JSON.stringify([filter, start, limit, sort]);
  const kept = pages.byKey.get(key);
  if (kept && !fresh && !kept.changed && now - kept.readAt < MAX_AGE_MS && (await jobsFingerprint(d, filter)) === kept.fingerprint) {
    forget(pages, key);
    keep(pages, key, kept);
    return { body: kept.body ?? render(kept.rows, kept.total, start, limit, now), total: kept.total };
  }
  const read = await findJobsFingerprinted(d, filter, start, limit, sort);
  const body = render(read.rows, read.total, start, limit, now);
  forget(pages, key);
  if (read.fingerprint !== null) {
    const entry: Entry = {
      fingerprint: read.fingerprint,
      rows: read.rows,
      total: read.total,
      body: read.rows.some(viewDependsOnNow) ? null : body,
      changed: kept !== undefined && kept.fingerprint !== read.fingerprint,
      readAt: now,
    };
    keep(pages, key, entry);
  }
  return { body, total: read.total };
}
