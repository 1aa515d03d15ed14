import { db } from "../../db/client";
import { putContent, type Content } from "../../db/contents";
import { deleteGatewayJob, insertGatewayJob, type GatewayJobRow } from "../../db/gateway-jobs";
import { ApiError } from "../../errors";
import { launchJob, type prepareJob } from "../tagging/start-job";

/**
 * Stores a gateway job with its hidden content, then starts its engine jobs. The job exists
 * before its engine jobs start, so their first state already has a gateway job to report to; a
 * job whose engine job cannot start is removed and answered 503 NOT_STARTED.
 */
export async function storeAndLaunch(env: Env, content: Content, row: GatewayJobRow, jobs: Iterable<Awaited<ReturnType<typeof prepareJob>>>): Promise<void> {
  await putContent(db(env), content);
  await insertGatewayJob(db(env), row);
  for (const job of jobs) {
    const started = await launchJob(env, job);
    if (!started.started) {
      await deleteGatewayJob(db(env), row.id);
      throw new ApiError(503, "NOT_STARTED", started.error ?? started.message);
    }
  }
}
