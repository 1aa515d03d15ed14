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

/** Pages kept per D1 binding, least recently used dropped first. */
const MAX_PAGES = 256;
/**
 * A page is read again after this long whatever its fingerprint says: the bound on how long a
 * page could be wrong if two states of a scope ever drew the same fingerprint (about one chance
 * in 10^12 a change).
 */
const MAX_AGE_MS = 60_000;

const pagesByDb = new WeakMap<Db, Map<string, Entry>>();

function pagesOf(d: Db): Map<string, Entry> {
  let pages = pagesByDb.get(d);
  if (!pages) pagesByDb.set(d, (pages = new Map()));
  return pages;
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
  const kept = pages.get(key);
  if (kept && !fresh && !kept.changed && now - kept.readAt < MAX_AGE_MS && (await jobsFingerprint(d, filter)) === kept.fingerprint) {
    pages.delete(key);
    pages.set(key, kept);
    return { body: kept.body ?? render(kept.rows, kept.total, start, limit, now), total: kept.total };
  }
  const read = await findJobsFingerprinted(d, filter, start, limit, sort);
  const body = render(read.rows, read.total, start, limit, now);
  pages.delete(key);
  if (read.fingerprint !== null) {
    const entry: Entry = {
      fingerprint: read.fingerprint,
      rows: read.rows,
      total: read.total,
      body: read.rows.some(viewDependsOnNow) ? null : body,
      changed: kept !== undefined && kept.fingerprint !== read.fingerprint,
      readAt: now,
    };
    pages.set(key, entry);
    if (pages.size > MAX_PAGES) pages.delete(pages.keys().next().value!);
  }
  return { body, total: read.total };
}
