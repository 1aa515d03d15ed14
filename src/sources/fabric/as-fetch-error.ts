import { FetchError } from "../safe-fetch";
import { FabricError } from "./client";
import { OfferingError } from "./offering";

/** A fabric failure as the pipeline knows failures: a FetchError that says whether to retry. */
export function asFetchError(e: unknown): never {
  if (e instanceof FabricError) throw new FetchError(e.message, e.transient);
  if (e instanceof OfferingError) throw new FetchError(`The content's fabric metadata cannot be read: ${e.message}`, false);
  throw e;
}
