import { toAuditView } from "../../audit/auditView.js";
import { listAuditFeed } from "../../store/auditFeed.js";
import { verifyAuditChain } from "../../store/auditLog.js";
import { requirePlatformAdmin } from "../../tenancy/principal.js";
import { decodeCursor, pageQuery, toPage } from "../pagination.js";
import { auditViewSchema, chainVerdictSchema } from "../responses/events.js";
import { pageOf } from "../responses/pages.js";
import { defineRoute } from "../route.js";
import { tenantListPage } from "../tenantListPage.js";
import { tenantParams } from "./params.js";

/**
 * The hash-chained audit log: a tenant's entries for its admins, every entry for the operator, and the chain's
 * verification (the operator's).
 */
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
        view: toAuditView,
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
  defineRoute({
    method: "GET",
    url: "/v1/audit/verify",
    summary:
      "Walks the whole audit chain: its length and head hash, or the first entry that was edited, deleted or reordered (operator only)",
    tag: "audit",
    auth: "required",
    response: chainVerdictSchema,
    handler: async ({ services: { platform }, caller }) => {
      requirePlatformAdmin(caller.principal, "verify the audit chain");
      return verifyAuditChain(platform.store.db);
    },
  }),
];
