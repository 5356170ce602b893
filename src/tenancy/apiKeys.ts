import * as z from "zod";
import type { OperationContext } from "../context.js";
import { APPROVALS_DECIDE_SCOPE } from "../domain/approvals.js";
import { AimsError } from "../domain/errors.js";
import { METRICS_READ_SCOPE } from "../domain/metricsQuery.js";
import { nameSchema, newId } from "../domain/names.js";
import { type ApiKeyRow, findApiKeyById, insertApiKey, revokeApiKeyRow } from "../store/apiKeyRepository.js";
import { withTransaction } from "../store/database.js";
import { recordChange } from "../store/recordChange.js";
import type { TenantRow } from "../store/tenantRepository.js";
import { peopleChange } from "./change.js";
import { assertMayAssign, roleSchema } from "./members.js";
import { type Caller, type Principal, requireAccount, requireTenant } from "./principal.js";
import { KEY_SCOPES, type KeyScope, type Role } from "./roles.js";
import { API_KEY_PREFIX, digestOf, displayPrefix, newSecret } from "./tokens.js";

const keyFields = {
  name: z.string().min(1).max(100),
  scopes: z.array(z.enum(KEY_SCOPES)).max(KEY_SCOPES.length).optional(),
  expiresAt: z.iso
    .datetime({ offset: true })
    .refine((t) => Date.parse(t) > Date.now(), "must be in the future")
    .optional(),
};

/** A user's own key: optionally limited to one tenant, capped to a role and narrowed to scopes. */
export const createUserKeyInput = z.strictObject({
  ...keyFields,
  tenant: nameSchema.optional(),
  role: roleSchema.optional(),
});
/** A tenant's service key: belongs to no person; its role is explicit. */
export const createServiceKeyInput = z.strictObject({ ...keyFields, role: roleSchema });

export interface ApiKeyView {
  id: string;
  name: string;
  /** The start of the key, to tell keys apart. */
  prefix: string;
  kind: "user" | "service" | "operator";
  userId: string | null;
  tenant: string | null;
  role: Role | null;
  scopes: KeyScope[] | null;
  expiresAt: string | null;
  revokedAt: string | null;
  /** At 5-minute resolution. */
  lastUsedAt: string | null;
  createdAt: string;
}

/** Shapes a key row (never its digest). */
export function toApiKeyView(row: ApiKeyRow, tenantName: string | null): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    kind: row.user_id ? "user" : row.platform_admin === 1 ? "operator" : "service",
    userId: row.user_id,
    tenant: tenantName,
    role: row.role,
    scopes: row.scopes === null ? null : (JSON.parse(row.scopes) as KeyScope[]),
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    createdAt: row.created_at,
  };
}

/**
 * Scopes only narrow: a key made by a narrowed key can hold no permission its maker lacks. `approvals:decide`
 * is given only by a person (a session) or by a key that holds it itself: a key narrowed to nothing lacks it.
 */
function narrowScopes(maker: Principal, wanted: KeyScope[] | undefined): KeyScope[] | null {
  if (
    wanted?.includes(APPROVALS_DECIDE_SCOPE) &&
    maker.kind === "key" &&
    !maker.scopes?.includes(APPROVALS_DECIDE_SCOPE)
  )
    throw new AimsError(
      "forbidden",
      `only a signed-in person, or a key that holds ${APPROVALS_DECIDE_SCOPE} itself, may give a key ${APPROVALS_DECIDE_SCOPE}`,
    );
  if (maker.scopes === null) return wanted ? [...new Set(wanted)] : null;
  if (!wanted) return maker.scopes;
  const extra = wanted.filter((s) => !maker.scopes!.includes(s));
  if (extra.length)
    throw new AimsError("forbidden", `scopes may only narrow; you do not hold ${extra.join(", ")}`);
  return [...new Set(wanted)];
}

async function storeKey(
  p: OperationContext,
  caller: Caller,
  fields: Omit<
    ApiKeyRow,
    "id" | "prefix" | "digest" | "revoked_at" | "last_used_at" | "created_by" | "created_at"
  >,
  tenant: TenantRow | null,
): Promise<{ key: string; view: ApiKeyView }> {
  const key = newSecret(API_KEY_PREFIX);
  const row: ApiKeyRow = {
    ...fields,
    id: newId(),
    prefix: displayPrefix(key),
    digest: digestOf(key),
    revoked_at: null,
    last_used_at: null,
    created_by: caller.principal.actor,
    created_at: new Date().toISOString(),
  };
  const view = toApiKeyView(row, tenant?.name ?? null);
  await withTransaction(p.store.db, async (trx) => {
    await insertApiKey(trx, row);
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "key.created",
        action: "key.create",
        target: tenant ? `tenant/${tenant.name}/key/${row.id}` : `user/${row.user_id}/key/${row.id}`,
        tenantId: tenant?.id ?? null,
        subject: row.id,
        data: { prefix: row.prefix, kind: view.kind, role: row.role, scopes: view.scopes },
      }),
    );
  });
  return { key, view };
}

/**
 * A new key's expiry: a key made by a key expires no later than it (absent: with it); a later one is refused.
 * Keys made in a session expire when asked (sessions are not keys: a personal key may outlive the sign-in).
 */
function inheritedExpiry(maker: Principal, wanted: string | undefined): string | null {
  const asked = wanted ? new Date(wanted).toISOString() : null;
  if (maker.expiresAt === null) return asked;
  if (asked === null) return maker.expiresAt;
  if (asked > maker.expiresAt)
    throw new AimsError(
      "forbidden",
      `a key made by a key cannot outlive it: yours expires at ${maker.expiresAt}; ask for that or earlier`,
    );
  return asked;
}

/**
 * Creates a key for the calling user (account scope: a session or an unrestricted key of theirs); it can never
 * exceed the user's role, nor outlive the key that creates it.
 */
export async function createUserKey(
  p: OperationContext,
  caller: Caller,
  input: z.output<typeof createUserKeyInput>,
): Promise<{ key: string; view: ApiKeyView }> {
  const { principal } = caller;
  const userId = requireAccount(principal, "creating a personal key");
  // Another tenant's name is "not found" whoever asks.
  const tenant = input.tenant
    ? (await requireTenant(p.store.db, principal, input.tenant, "tenant.read")).tenant
    : null;
  const role = input.role ?? null;
  if (
    input.scopes?.includes(METRICS_READ_SCOPE) &&
    (!principal.platformAdmin || tenant !== null || role !== null)
  )
    throw new AimsError(
      "forbidden",
      `only the operator may make a metrics token (${METRICS_READ_SCOPE}), and only as a key of no tenant and no role`,
    );
  const scopes = narrowScopes(principal, input.scopes);
  return storeKey(
    p,
    caller,
    {
      name: input.name,
      user_id: userId,
      tenant_id: tenant?.id ?? null,
      role,
      scopes: jsonScopes(scopes),
      platform_admin: principal.platformAdmin && tenant === null && role === null ? 1 : 0,
      expires_at: inheritedExpiry(principal, input.expiresAt),
    },
    tenant,
  );
}

/**
 * Creates a service key of a tenant; its role is at most the creator's, now and on every later request (it
 * works only while whoever made it still has a role there), and a key made by a key never outlives it.
 */
export async function createServiceKey(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  input: z.output<typeof createServiceKeyInput>,
): Promise<{ key: string; view: ApiKeyView }> {
  const { tenant, role } = await requireTenant(p.store.db, caller.principal, tenantName, "key.manage");
  if (input.scopes?.includes(METRICS_READ_SCOPE))
    throw new AimsError(
      "forbidden",
      `a tenant's service key cannot be a metrics token (${METRICS_READ_SCOPE})`,
    );
  assertMayAssign(caller, role, input.role, "create a service key with role");
  return storeKey(
    p,
    caller,
    {
      name: input.name,
      user_id: null,
      tenant_id: tenant.id,
      role: input.role,
      scopes: jsonScopes(narrowScopes(caller.principal, input.scopes)),
      platform_admin: 0,
      expires_at: inheritedExpiry(caller.principal, input.expiresAt),
    },
    tenant,
  );
}

function jsonScopes(scopes: KeyScope[] | null): string | null {
  return scopes === null ? null : JSON.stringify(scopes);
}

/**
 * Revokes a key: the caller's own (`tenantName` undefined) or any key limited to a tenant where the caller has
 * key.manage. Someone else's key looks like no key.
 */
export async function revokeApiKey(
  p: OperationContext,
  caller: Caller,
  id: string,
  tenantName?: string,
): Promise<ApiKeyView> {
  const row = await findApiKeyById(p.store.db, id);
  let tenant: TenantRow | null = null;
  if (tenantName === undefined) {
    const userId = requireAccount(caller.principal, "revoking a personal key");
    if (!row || row.user_id !== userId) throw new AimsError("not_found", `no key ${id}`);
  } else {
    tenant = (await requireTenant(p.store.db, caller.principal, tenantName, "key.manage")).tenant;
    if (!row || row.tenant_id !== tenant.id)
      throw new AimsError("not_found", `no key ${id} in tenant ${tenantName}`);
  }
  await withTransaction(p.store.db, async (trx) => {
    await revokeApiKeyRow(trx, id);
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "key.revoked",
        action: "key.revoke",
        target: tenant ? `tenant/${tenant.name}/key/${id}` : `user/${row.user_id}/key/${id}`,
        tenantId: tenant?.id ?? row.tenant_id,
        subject: id,
        data: { prefix: row.prefix },
      }),
    );
  });
  await p.accessChanges.publish({ keyId: id });
  return toApiKeyView(
    { ...row, revoked_at: row.revoked_at ?? new Date().toISOString() },
    tenant?.name ?? null,
  );
}
