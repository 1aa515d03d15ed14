import type { Principal } from "../../auth/principal";
import { isMember } from "../../auth/principal";
import { db } from "../../db/client";
import { gatewayJobOf, type GatewayJobRow } from "../../db/gateway-jobs";
import { notFound } from "../../errors";
import { gatewayJobView } from "../../gateway/job-view";
import { withSystemMeta } from "../../gateway/resource";

const NAMES: Record<GatewayJobRow["type"], string> = { "transcription-job": "Transcription job", "translation-job": "Translation job", "video-analysis-job": "Video analysis job" };

/** The caller's tenant's job of that type; another tenant's job, or one of another type, is 404 like an unknown one. */
export async function callerJob(env: Env, p: Principal, id: string, type: GatewayJobRow["type"]): Promise<GatewayJobRow> {
  const row = await gatewayJobOf(db(env), id, type);
  if (!row || !isMember(p, row.tenant_id)) throw notFound(`${NAMES[type]} ${id} not found`);
  return row;
}

/** A job as `GET /v1/…/{id}` answers it; `?include=system` adds meta.system. */
export async function jobResponse(env: Env, row: GatewayJobRow, include: "system" | undefined) {
  const { resource } = await gatewayJobView(env, row);
  return include === "system" ? withSystemMeta(resource, row) : resource;
}
