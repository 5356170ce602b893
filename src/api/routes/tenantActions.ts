import * as z from "zod";
import type { Platform } from "../../platform.js";
import { deleteTenant } from "../../tenancy/deleteTenant.js";
import { requireTenantForOperator } from "../../tenancy/principal.js";
import { resumeTenant } from "../../tenancy/resumeTenant.js";
import { suspendTenant } from "../../tenancy/suspendTenant.js";
import { tenantDeletionSchema, tenantStateChangeSchema } from "../responses/people.js";
import { defineRoute } from "../route.js";
import { tenantParams } from "./params.js";

const progressOf = (p: Platform, tenant: string) => (message: string) => p.logger.debug({ tenant }, message);

/** `POST /v1/tenants/{t}/suspend` or `/resume`: the operator's, answered once the instances have settled. */
function tenantStateRoute(
  verb: "suspend" | "resume",
  summary: string,
  operation: typeof suspendTenant | typeof resumeTenant,
) {
  return defineRoute({
    method: "POST",
    url: `/v1/tenants/:tenant/${verb}`,
    summary,
    tag: "tenants",
    auth: "required",
    engine: "drives",
    params: tenantParams,
    response: tenantStateChangeSchema,
    authorize: ({ services: { platform }, caller, params }) =>
      requireTenantForOperator(platform.store.db, caller.principal, params.tenant, `${verb} a tenant`),
    handler: ({ services: { platform }, caller, params }) =>
      operation(platform, caller, { tenant: params.tenant }, progressOf(platform, params.tenant)),
  });
}

/** The operator's actions on a whole tenant: suspend, resume, delete. */
export const tenantActionRoutes = [
  tenantStateRoute(
    "suspend",
    "Suspend a tenant (operator only): its instances stop, data kept; its people and keys may only read; answers once they are stopped",
    suspendTenant,
  ),
  tenantStateRoute(
    "resume",
    "Resume a suspended tenant (operator only): exactly the instances that ran before run again; answers once they are healthy",
    resumeTenant,
  ),
  defineRoute({
    method: "DELETE",
    url: "/v1/tenants/:tenant",
    summary:
      "Delete a tenant (operator only): refused while it has instances unless `?force=true`, which removes them and their volumes; its members, keys, invitations, domains and kept volumes go; its history stays",
    tag: "tenants",
    auth: "required",
    engine: "drives",
    params: tenantParams,
    response: tenantDeletionSchema,
    query: z.strictObject({ force: z.enum(["true", "false"]).default("false") }),
    handler: ({ services: { platform }, caller, params, query }) =>
      deleteTenant(
        platform,
        caller,
        { tenant: params.tenant, force: query.force === "true" },
        progressOf(platform, params.tenant),
      ),
  }),
];
