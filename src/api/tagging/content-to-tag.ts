import { contentFor } from "../../auth/content-access";
import { chooseTenant, isMember, type Principal } from "../../auth/principal";
import { db } from "../../db/client";
import { type Content, getContent, putContent } from "../../db/contents";
import { getTenant } from "../../db/tenants";
import { ApiError, badRequest, forbidden, notFound } from "../../errors";
import { fabricBaseOf, tenantFabricAccess } from "../../sources/fabric/access";
import { contentObject, FabricError, isFabricId } from "../../sources/fabric/client";
import { readFabricContent } from "../../sources/fabric/content";
import { OfferingError } from "../../sources/fabric/offering";
import { checkLive, type LiveCheck } from "../../sources/liveness";

/** What a fabric failure means to the caller who started the job. */
function fabricFailure(e: unknown, qid: string): never {
  if (e instanceof OfferingError) throw new ApiError(422, "FABRIC_METADATA_INVALID", `The fabric metadata of ${qid} cannot be read: ${e.message}`);
  if (!(e instanceof FabricError)) throw e;
  if (e.status === 401 || e.status === 403) throw new ApiError(403, "FABRIC_FORBIDDEN", `The content fabric does not let you read ${qid}: ${e.message}`);
  if (e.status === 404) throw notFound(`Content ${qid} not found in the content fabric`, "CONTENT_NOT_FOUND");
  if (e.status === null && !e.transient) throw badRequest(e.message, "FABRIC_NOT_CONFIGURED");
  throw new ApiError(502, "FABRIC_UNAVAILABLE", `${e.message}; try again`);
}

/**
 * A fabric content as a job starts on it. The fabric must let the caller read it: their own
 * token (an Eluvio token they signed in with) is shown to the fabric for that one check; a caller
 * with an API key acts for its tenant, so the tenant's credential is asked instead. Then its
 * title, streams and assets are read with the tenant's credential and kept as the content's row,
 * so job status, tags and deletion work as for registered content. The user's token is not kept.
 */
async function fabricContent(env: Env, principal: Principal, qid: string, existing: Content | undefined, tenantHint: string | undefined): Promise<{ content: Content; live: LiveCheck }> {
  if (existing && !isMember(principal, existing.tenant_id)) throw forbidden(`Content ${qid} belongs to another tenant`);
  if (existing && tenantHint && tenantHint !== existing.tenant_id) throw badRequest(`Content ${qid} belongs to tenant ${existing.tenant_id}, not ${tenantHint}`);
  const tenant = existing?.tenant_id ?? chooseTenant(principal, tenantHint, "?tenant=");
  if (!(await getTenant(db(env), tenant))) throw notFound(`Tenant ${tenant} not found`);
  const base = await fabricBaseOf(env, tenant);
  // Without a fabric the id is simply unknown here, as before fabric content existed.
  if (!base) throw notFound(`Content ${qid} not found: it is not registered, and tenant ${tenant} reads no content fabric (fabric_url)`, "CONTENT_NOT_FOUND");
  try {
    const background = await tenantFabricAccess(env, tenant);
    await contentObject(env, principal.bearer ? { base, token: principal.bearer } : background, qid);
    const read = await readFabricContent(env, background, qid);
    const now = Date.now();
    const content: Content = {
      qid,
      tenant_id: tenant,
      title: read.title,
      streams: Object.fromEntries(read.streams.map((s) => [s, {}])),
      assets: Object.fromEntries(read.assets.map((a) => [a, {}])),
      part_duration_ms: existing?.part_duration_ms ?? 0,
      origin: "fabric",
      created_by: existing?.created_by ?? principal.address,
      created_at: existing?.created_at ?? now,
      updated_at: now,
    };
    await putContent(db(env), content);
    return { content, live: { live: read.live, unreadable: null } };
  } catch (e) {
    return fabricFailure(e, qid);
  }
}

/**
 * The content a start (or resume) runs on, and whether it is live. Registered content as
 * always; an id of the content fabric (iq__…, hq__…, tqw__…) that is not registered is read
 * through the tenant's fabric. `tenantHint` (?tenant=) names the tenant when the caller has several.
 */
export async function contentToTag(env: Env, principal: Principal, qid: string, tenantHint?: string): Promise<{ content: Content; live: LiveCheck }> {
  const existing = await getContent(db(env), qid);
  if (existing?.origin === "fabric" || (!existing && isFabricId(qid))) return fabricContent(env, principal, qid, existing, tenantHint);
  const content = await contentFor(env, principal, qid);
  return { content, live: await checkLive(env, content) };
}
