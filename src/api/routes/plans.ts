import { publicPlans } from "../../plans/publicPlans.js";
import { tenantUsageView } from "../../quota/usageView.js";
import { requireTenant } from "../../tenancy/principal.js";
import { decodeCursor, pageQuery, toPage } from "../pagination.js";
import { pageOf } from "../responses/pages.js";
import { planViewSchema, tenantUsageSchema } from "../responses/plans.js";
import { defineRoute } from "../route.js";
import { tenantParams } from "./params.js";

/** Plans (docs/plans.md) and what a tenant uses of its own. */
export const planRoutes = [
  defineRoute({
    method: "GET",
    url: "/v1/plans",
    summary:
      "Every plan of this install, in its order: limits (memory in bytes, null unlimited), default resources, features, price; `default` marks the plan new tenants get",
    tag: "plans",
    auth: "required",
    query: pageQuery,
    response: pageOf(planViewSchema),
    handler: async ({ services: { platform }, query }) => {
      const views = publicPlans(platform.plans);
      const after = decodeCursor(query.cursor, "string");
      const start = after === undefined ? 0 : views.findIndex((v) => v.name === after) + 1;
      return toPage(
        views.slice(start, start + query.limit + 1),
        query.limit,
        (v) => v.name,
        (v) => v,
      );
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/usage",
    summary:
      "What the tenant uses of its plan: instances (any state), volumes, and cpu, memory (bytes) and pids of instances meant to run, each with its limit (null unlimited); `over` names limits it is over",
    tag: "tenants",
    auth: "required",
    params: tenantParams,
    response: tenantUsageSchema,
    handler: async ({ services: { platform }, caller, params }) => {
      const { tenant } = await requireTenant(
        platform.store.db,
        caller.principal,
        params.tenant,
        "tenant.read",
      );
      return tenantUsageView(platform.store.db, platform.plans, tenant);
    },
  }),
];
