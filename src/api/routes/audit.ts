import { listAuditFeed } from "../../store/auditFeed.js";
import type { AuditRow } from "../../store/auditLog.js";
import { requirePlatformAdmin } from "../../tenancy/principal.js";
import { decodeCursor, pageQuery, toPage } from "../pagination.js";
import { defineRoute } from "../route.js";
import { tenantListPage } from "../tenantListPage.js";
import { tenantParams } from "./params.js";

/** An audit entry as clients see it (the hash lets them check the chain). */
function toAuditView(row: AuditRow) {
  return {
    seq: row.seq,
    id: row.id,
    time: row.created_at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    source: row.source,
    result: row.result,
    data: JSON.parse(row.data) as unknown,
    hash: row.hash,
  };
}

/** The hash-chained audit log: a tenant's entries for its admins, every entry for the operator. */
export const auditRoutes = [
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/audit",
    summary: "A tenant's audit entries, oldest first (admins and owners)",
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
