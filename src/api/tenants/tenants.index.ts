import { createRouter } from "../router";
import { putTenant, putMember, deleteMember, listMembers } from "./tenants.routes";
import { deleteMemberHandler, listMembersHandler, putMemberHandler, putTenantHandler } from "./tenants.handlers";

export const tenantsRouter = createRouter();
tenantsRouter.openapi(putTenant, putTenantHandler);
tenantsRouter.openapi(putMember, putMemberHandler);
tenantsRouter.openapi(deleteMember, deleteMemberHandler);
tenantsRouter.openapi(listMembers, listMembersHandler);
