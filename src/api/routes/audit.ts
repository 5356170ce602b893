import { listAuditFeed } from "../../store/auditFeed.js";
import { requirePlatformAdmin } from "../../tenancy/principal.js";
import { toAuditView } from "../auditView.js";
import { decodeCursor, pageQuery, toPage } from "../pagination.js";
import { auditViewSchema } from "../responses/events.js";
import { pageOf } from "../responses/pages.js";
import { defineRoute } from "../route.js";
import { tenantListPage } from "../tenantListPage.js";
import { tenantParams } from "./params.js";

/** The hash-chained audit log: a tenant's entries for its admins, every entry for the operator. */
export const auditRoutes = [
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/audit",
    summary: "A tenant's audit entries, oldest first (admins and owners)",
    response: pageOf(auditViewSchema),
    tag: "audit",
    auth: "required",
    params: tenantParams,
    query: pageQuery,
    handler: ({ services: { platform }, caller, params, query }) =>
      tenantListPage(platform, caller, params.tenant, query, {
        permission: "audit.read",
        cursor: "number",
        list: (tenant, after, limit) =>
          listAuditFeed(platform.store.db, {
            tenantId: tenant.id,
            ...(after ? { afterSeq: after } : {}),
            limit,
          }),
        key: (r) => r.seq,
        view: (r) => toAuditView(r),
      }),
  }),
  defineRoute({
    method: "GET",
    url: "/v1/audit",
    summary: "Every audit entry, oldest first (operator only)",
    response: pageOf(auditViewSchema),
    tag: "audit",
    auth: "required",
    query: pageQuery,
    handler: async ({ services: { platform }, caller, query }) => {
      requirePlatformAdmin(caller.principal, "read the whole audit log");
      const rows = await listAuditFeed(platform.store.db, {
        afterSeq: decodeCursor(query.cursor, "number"),
        limit: query.limit + 1,
      });
      return toPage(rows, query.limit, (r) => r.seq, toAuditView);
    },
  }),
];
