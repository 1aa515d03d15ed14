import type { JsonObject } from "./json";
import type { EffectiveOptions, ModelType } from "../jobs/options";
import type { ProviderConfig, TrackInfo } from "./provider-config";
import type { Priority } from "./priority";

/** The parameters a job ran with, in the contract's TagArgs shape. */
export interface TagArgs {
  feature: string;
  run_config: JsonObject;
  scope: EffectiveOptions["scope"];
  replace: boolean;
  destination_qid: string;
  max_fetch_retries: number;
}

/**
 * How a model's tags join across part boundaries once a job's parts are tagged (docs/providers.md):
 * `cut`: a segment cut only by a part boundary is one (shots); `segment`: consecutive tags with
 * the same text become one (OCR, labels, objects); `stretch`: equal stretches that touch at a
 * boundary merge (black, silence, loudness); `none`: tags stay as the provider gave them.
 */
export type BoundaryKind = "cut" | "segment" | "stretch" | "none";
export const BOUNDARY_KINDS = ["cut", "segment", "stretch", "none"] as const satisfies readonly BoundaryKind[];

/** Everything a TagRunner and the consumer need to run a job; fixed when the job starts. */
export interface JobInit {
  job_id: string;
  qid: string;
  model: string;
  model_type: ModelType;
  stream: string;
  tenant_id: string;
  user: string;
  title: string;
  /** Where tags go: the destination, or the content itself. */
  target_qid: string;
  /** The tenant of target_qid (a destination may be in another of the caller's tenants); jobs from before it was kept: tenant_id. */
  target_tenant_id?: string;
  params: TagArgs;
  tracks: TrackInfo[];
  /** The model's providers in preference order. */
  providers: ProviderConfig[];
  concurrency: number;
  created_at: number;
  /** How the model's tags join across parts; jobs from before it was kept: none. */
  boundary?: BoundaryKind;
  /** Who gets a busy provider's next free slot first; absent: standard. */
  priority?: Priority;
  /** The AI Gateway job this job is part of, when its client asked for webhooks: told of every state the runner writes. */
  gateway_webhook_job?: string;
}

export type StartResult = { started: true; job_id: string } | { started: false; job_id: string; stream: string };

/** A part's result, reported by the consumer. */
export type PartOutcome = (
  /** `span`: where the part's new tags lie, in content time. */
  | { ok: true; tags: number; span?: [number, number] }
  | { ok: false; stage: "fetch" | "tag"; transient: boolean; error: string }
) & PartTimings;

/** A consumer's report of one part (TagRunner.partsDone); `take_next`: it would run the job's next part itself. */
export interface PartReport {
  part: string;
  outcome: PartOutcome;
  take_next: boolean;
}

/** What the job's event log says of a part: who tagged it and how long each step took. */
export interface PartTimings {
  provider?: string;
  fetch_ms?: number;
  tag_ms?: number;
}

export const batchIdOf = (jobId: string, track: string) => `${jobId}:${track}`;

/** The tenant whose tag store a job writes to. */
export const targetTenantOf = (init: Pick<JobInit, "tenant_id" | "target_tenant_id">) => init.target_tenant_id ?? init.tenant_id;
