import { db } from "../db/client";
import { type Content, getContent } from "../db/contents";
import { forbidden, notFound } from "../errors";
import { isMember, type Principal } from "./principal";

/** Loads a content the caller may use: 404 if unknown, 403 if it belongs to a tenant they are not in. */
export async function contentFor(env: Env, principal: Principal, qid: string): Promise<Content> {
  const content = await getContent(db(env), qid);
  if (!content) throw notFound(`Content ${qid} not found`, "CONTENT_NOT_FOUND");
  if (!isMember(principal, content.tenant_id)) throw forbidden(`You do not have access to content ${qid}`);
  return content;
}

/** Where a content's tags are in the tag store: its tenant and id. */
export const tagStoreRef = (c: Content) => ({ tenant: c.tenant_id, qid: c.qid });
