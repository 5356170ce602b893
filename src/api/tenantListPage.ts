import type * as z from "zod";
import type { OperationContext } from "../context.js";
import type { TenantRow } from "../store/tenantRepository.js";
import { type Caller, requireTenant } from "../tenancy/principal.js";
import type { Permission } from "../tenancy/roles.js";
import { decodeCursor, type Page, type pageQuery, toPage } from "./pagination.js";

type CursorKind = "string" | "number";
type CursorOf<C extends CursorKind> = C extends "string" ? string : number;

/** How one tenant-scoped list reads its rows and shows them. */
export interface TenantList<R, T, C extends CursorKind> {
  /** The permission a caller needs in the tenant (without it, the tenant answers 404 like one that does not exist). */
  permission: Permission;
  cursor: C;
  key: (row: R) => CursorOf<C>;
  list: (tenant: TenantRow, after: CursorOf<C> | undefined, limit: number) => Promise<R[]>;
  view: (row: R, tenant: TenantRow) => T;
}

/**
 * One page of a tenant's objects for a caller: the tenant is resolved with the list's permission, rows
 * are read after the cursor (one more than the page, to know whether another follows), each becomes its view.
 * @example tenantListPage(platform, caller, params.tenant, query, { permission: "member.read", cursor: "string", key: (r) => r.user_id, list: (t, after, limit) => listMembers(db, t.id, { afterUserId: after, limit }), view: toMemberView })
 */
export async function tenantListPage<R, T, C extends CursorKind>(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  query: z.output<typeof pageQuery>,
  spec: TenantList<R, T, C>,
): Promise<Page<T>> {
  // A list only reads, even where it needs a manage permission (keys, invitations): a suspended tenant shows it.
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, spec.permission, "read");
  const rows = await spec.list(
    tenant,
    decodeCursor(query.cursor, spec.cursor) as CursorOf<C> | undefined,
    query.limit + 1,
  );
  return toPage(rows, query.limit, spec.key, (row) => spec.view(row, tenant));
}
