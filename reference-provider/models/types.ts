import type { ProviderTag } from "../../src/providers/types";
import type { MediaInput } from "../ffmpeg";
import type { ReferenceModelSpec } from "../../src/providers/reference-models";

/** A tag in the provider protocol: times in ms relative to the part. */
export type Tag = ProviderTag;

/** Params arrive validated against the spec's schema, with its defaults filled in. */
export type Params = Record<string, unknown>;

export interface ReferenceModel {
  spec: ReferenceModelSpec;
  run(media: MediaInput, params: Params): Promise<Tag[]>;
}

export const num = (params: Params, key: string): number => params[key] as number;
export const round3 = (x: number) => Math.round(x * 1000) / 1000;
