import { createRouter } from "../router";
import { putTenant, putMember, deleteMember, listMembers, putFabricCredential, deleteFabricCredential } from "./tenants.routes";
import { deleteFabricCredentialHandler, deleteMemberHandler, listMembersHandler, putFabricCredentialHandler, putMemberHandler, putTenantHandler } from "./tenants.handlers";

export const tenantsRouter = createRouter();
tenantsRouter.openapi(putTenant, putTenantHandler);
tenantsRouter.openapi(putMember, putMemberHandler);
tenantsRouter.openapi(deleteMember, deleteMemberHandler);
tenantsRouter.openapi(listMembers, listMembersHandler);
tenantsRouter.openapi(putFabricCredential, putFabricCredentialHandler);
tenantsRouter.openapi(deleteFabricCredential, deleteFabricCredentialHandler);
