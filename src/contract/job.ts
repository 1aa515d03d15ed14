import type { JsonObject } from "./json";
import type { EffectiveOptions, ModelType } from "../jobs/options";
import type { ProviderConfig, TrackInfo } from "./provider-config";

/** The parameters a job ran with, in the contract's TagArgs shape. */
export interface TagArgs {
  feature: string;
  run_config: JsonObject;
  scope: EffectiveOptions["scope"];
  replace: boolean;
  destination_qid: string;
  max_fetch_retries: number;
}

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
}

export type StartResult = { started: true; job_id: string } | { started: false; job_id: string; stream: string };

/** A part's result, reported by the consumer. */
export type PartOutcome =
  /** `span`: where the part's new tags lie, in content time. */
  | { ok: true; tags: number; span?: [number, number] }
  | { ok: false; stage: "fetch" | "tag"; transient: boolean; error: string };

export const batchIdOf = (jobId: string, track: string) => `${jobId}:${track}`;

/** The tenant whose tag store a job writes to. */
export const targetTenantOf = (init: Pick<JobInit, "tenant_id" | "target_tenant_id">) => init.target_tenant_id ?? init.tenant_id;
