import type { Acquired, CallOutcome, SlotOp } from "../contract/provider-slots";
import type { ProviderConfig } from "../contract/provider-config";
import { providerId } from "../providers/identity";
import { GroupCommit } from "./group-commit";
import type { JobInit, PartOutcome, PartReport } from "../contract/job";
import type { PartMessage } from "../contract/queue";
import { runnerByName } from "../contract/runner";
import type { PartRef } from "../contract/part";
import type { AlignedTag } from "../tagstore/align";
import { partTagStatements } from "../tagstore/write";

/** Asking for a slot: the operation, and how long the part may wait in line if every slot is taken. */
export type SlotRequest = Extract<SlotOp, { op: "acquire" }> & { waitMs: number };

/**
 * The round trips every part makes: its provider's slot, its tags' D1 write and its report to
 * its runner. `groupedIo` makes them once for all the parts of an invocation that want them at the
 * same time (group-commit.ts); `directIo` one by one (a provider's callback: one part a request).
 */
export interface PartIo {
  acquire(p: ProviderConfig, req: SlotRequest): Promise<Acquired>;
  finish(p: ProviderConfig, lease: string, outcome: CallOutcome, cooldownMs: number): Promise<void>;
  release(p: ProviderConfig, lease: string): Promise<void>;
  /** Reports a part's result to its runner (TagRunner.partsDone); answers the part handed over (takeNext), or null. */
  partDone(runner: string, jobId: string, partId: string, outcome: PartOutcome, takeNext: boolean): Promise<PartMessage | null>;
  /** Stores a part's tags and report in one transaction (alone, or in a D1 batch with other parts'). */
  writeTags(init: JobInit, part: PartRef, tags: AlignedTag[]): Promise<void>;
}

/** The provider's ProviderState object (named by the provider's id). */
export const providerState = (env: Env, p: ProviderConfig | string) => env.PROVIDER_STATE.getByName(typeof p === "string" ? p : providerId(p));

export function directIo(env: Env): PartIo {
  return {
    acquire: (p, r) => providerState(env, p).acquire(r.lease, r.limit, r.leaseMs, r.waitMs, r.cooldownMs, r.lastResort, r.rank, r.use),
    finish: (p, lease, outcome, cooldownMs) => providerState(env, p).finish(lease, outcome, cooldownMs),
    release: (p, lease) => providerState(env, p).release(lease),
    partDone: (runner, jobId, partId, outcome, takeNext) => runnerByName(env, runner).partDone(jobId, partId, outcome, takeNext),
    writeTags: async (init, part, tags) => {
      await env.DB.batch(partTagStatements(env.DB, init, part, tags));
    },
  };
}

/**
 * For one invocation only (see GroupCommit). A D1 batch is one transaction, so parts written
 * together succeed or fail together; a failed group is written again part by part.
 */
export function groupedIo(env: Env): PartIo {
  const direct = directIo(env);
  const slots = new Map<string, GroupCommit<SlotOp, Acquired | null>>();
  const slotGroup = (p: ProviderConfig) => {
    const id = providerId(p);
    let g = slots.get(id);
    if (!g) slots.set(id, (g = new GroupCommit((ops) => providerState(env, id).apply(ops))));
    return g;
  };
  const reports = new Map<string, GroupCommit<PartReport, PartMessage | null>>();
  const reportGroup = (runner: string, jobId: string) => {
    const key = `${runner}\n${jobId}`;
    let g = reports.get(key);
    if (!g) reports.set(key, (g = new GroupCommit((rs) => runnerByName(env, runner).partsDone(jobId, rs))));
    return g;
  };
  const tags = new GroupCommit<D1PreparedStatement[], null>(async (groups) => {
    await env.DB.batch(groups.flat());
    return groups.map(() => null);
  }, 16);
  return {
    // A part that may wait for a slot asks on its own: only the provider's object can keep it in
    // line, and a group must not hold back the finishes that free slots behind parts that wait.
    acquire: async (p, { waitMs, ...op }) => (waitMs > 0 ? direct.acquire(p, { ...op, waitMs }) : (await slotGroup(p).submit(op))!),
    finish: async (p, lease, outcome, cooldownMs) => {
      await slotGroup(p).submit({ op: "finish", lease, outcome, cooldownMs });
    },
    release: async (p, lease) => {
      await slotGroup(p).submit({ op: "release", lease });
    },
    partDone: (runner, jobId, partId, outcome, takeNext) => reportGroup(runner, jobId).submit({ part: partId, outcome, take_next: takeNext }),
    writeTags: async (init, part, aligned) => {
      await tags.submit(partTagStatements(env.DB, init, part, aligned));
    },
  };
}
