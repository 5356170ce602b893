import { AimsError } from "../domain/errors.js";
import { type TenantAccess, tenantRefusal } from "../domain/tenantStatus.js";
import type { Actor } from "../lifecycle/actor.js";
import type { Executor } from "../store/database.js";
import { findMember, membershipsOf } from "../store/memberRepository.js";
import { findTenantByName, listTenants, type TenantRow } from "../store/tenantRepository.js";
import { allows, type KeyScope, type Permission, READ_PERMISSIONS, type Role, weakerRole } from "./roles.js";

/** Who is calling, as established from a session cookie or an API key. */
export interface Principal {
  /** `user:<id>` for a session, `key:<id>` for a key, `cli:<user>` for the host: what audit entries name. */
  actor: string;
  /** `host`: the person at the AIMS host's terminal (the local CLI), who acts as the operator. */
  kind: "session" | "key" | "host";
  /** The user behind a session or a user's key; null for service keys and the operator key. */
  userId: string | null;
  /** Operator: every tenant, as owner, plus platform routes (users, all audit). */
  platformAdmin: boolean;
  keyId: string | null;
  sessionId: string | null;
  /** The one tenant a key is limited to. */
  tenantId: string | null;
  /** A service key's role, or a user key's cap. */
  roleCap: Role | null;
  /** Permissions a key is narrowed to; null means all its role allows (never `approvals:decide`). */
  scopes: KeyScope[] | null;
  /** When the key, or a key it was made by, expires: what a key it makes inherits. Null for sessions. */
  expiresAt: string | null;
}

/** A principal plus where the request came from: what every operation needs to authorise and audit. */
export interface Caller {
  principal: Principal;
  /** `api <client address>`. */
  source: string;
}

/**
 * The person at the AIMS host's terminal (the local CLI, `cli:<os user>`): the operator, unnarrowed, with no
 * credential of the API. Only the CLI on the host builds it; no request to the API can authenticate as it.
 */
export function hostCaller(actor: Actor): Caller {
  return {
    principal: {
      actor: actor.id,
      kind: "host",
      userId: null,
      platformAdmin: true,
      keyId: null,
      sessionId: null,
      tenantId: null,
      roleCap: null,
      scopes: null,
      expiresAt: null,
    },
    source: actor.source,
  };
}

/** The audit actor of a caller. */
export function actorOf(caller: Caller): Actor {
  return { id: caller.principal.actor, source: caller.source };
}

/**
 * The CLI on the AIMS host, as a caller: the operator. Whoever runs it reads the data dir, master key and
 * operator key included, so it acts on every tenant; its audit entries name the OS user (`cli:<user>`).
 */
export function hostOperator(actor: Actor): Caller {
  return {
    principal: {
      actor: actor.id,
      kind: "key",
      userId: null,
      platformAdmin: true,
      keyId: null,
      sessionId: null,
      tenantId: null,
      roleCap: null,
      scopes: null,
      expiresAt: null,
    },
    source: actor.source,
  };
}

/** The principal's role in a tenant, or undefined when it has none (the tenant is invisible to it). */
export async function roleIn(
  ex: Executor,
  principal: Principal,
  tenantId: string,
): Promise<Role | undefined> {
  if (principal.tenantId !== null && principal.tenantId !== tenantId) return undefined;
  if (principal.platformAdmin) return weakerRole("owner", principal.roleCap);
  if (principal.userId !== null) {
    const member = await findMember(ex, tenantId, principal.userId);
    return member ? weakerRole(member.role, principal.roleCap) : undefined;
  }
  return principal.roleCap ?? undefined;
}

/** True when the principal's role (narrowed by its scopes) allows `permission`. */
export function permits(principal: Principal, role: Role, permission: Permission): boolean {
  return allows(role, permission, principal.scopes);
}

/**
 * The tenant named `name` if the caller may do `permission` there. A tenant the caller cannot see at all is
 * AimsError("not_found"), exactly like a tenant that does not exist; a visible tenant where the role falls
 * short is AimsError("forbidden"). The tenant's status is checked here too, for every entry: while the operator
 * has it suspended its people and keys may only read (`access`: what the caller is about to do, a change unless
 * `permission` only reads; a caller that checks the real permission later says `change` itself).
 */
export async function requireTenant(
  ex: Executor,
  principal: Principal,
  name: string,
  permission: Permission,
  access: TenantAccess = READ_PERMISSIONS.has(permission) ? "read" : "change",
): Promise<{ tenant: TenantRow; role: Role }> {
  const tenant = await findTenantByName(ex, name);
  const role = tenant ? await roleIn(ex, principal, tenant.id) : undefined;
  if (!tenant || !role) throw new AimsError("not_found", `no tenant ${name}`);
  const refusal = tenantRefusal(tenant, access, isOperator(principal));
  if (refusal) throw refusal;
  if (!permits(principal, role, permission))
    throw new AimsError("forbidden", `your role in tenant ${name} (${role}) does not allow ${permission}`);
  return { tenant, role };
}

/**
 * The tenant named `name` for an operator-only action on it (suspend, resume, delete): a tenant the caller
 * cannot see is AimsError("not_found") as everywhere; one it sees, without being the operator, is "forbidden".
 */
export async function requireTenantForOperator(
  ex: Executor,
  principal: Principal,
  name: string,
  what: string,
): Promise<TenantRow> {
  const { tenant } = await requireTenant(ex, principal, name, "tenant.read");
  requirePlatformAdmin(principal, what);
  return tenant;
}

/** True for the operator, unnarrowed by tenant, role or scopes. */
function isOperator(principal: Principal): boolean {
  return principal.platformAdmin && isUnrestricted(principal);
}

/** The tenants where the principal may do `permission`: every tenant for the operator. */
export async function tenantsWhere(
  ex: Executor,
  principal: Principal,
  permission: Permission,
): Promise<Array<{ tenant: TenantRow; role: Role }>> {
  const tenants = await listTenants(ex);
  let roles: Map<string, Role>;
  if (principal.platformAdmin)
    roles = new Map(tenants.map((t) => [t.id, weakerRole("owner", principal.roleCap)]));
  else if (principal.userId !== null)
    roles = new Map(
      (await membershipsOf(ex, principal.userId)).map((m) => [
        m.tenant_id,
        weakerRole(m.role, principal.roleCap),
      ]),
    );
  else
    roles = new Map(principal.tenantId && principal.roleCap ? [[principal.tenantId, principal.roleCap]] : []);
  return tenants.flatMap((tenant) => {
    const role = roles.get(tenant.id);
    if (!role || (principal.tenantId !== null && principal.tenantId !== tenant.id)) return [];
    // Deleted tenants stay in the operator's list (their history); nobody else sees them.
    if (tenant.status === "deleted" && !isOperator(principal)) return [];
    return permits(principal, role, permission) ? [{ tenant, role }] : [];
  });
}

/** True when nothing narrows the principal: no tenant limit, no role cap, no scopes (expiry aside). */
export function isUnrestricted(principal: Principal): boolean {
  return principal.tenantId === null && principal.roleCap === null && principal.scopes === null;
}

/**
 * True when the principal holds the account scope: a person's session, or their key that is not limited to a
 * tenant, capped to a role or narrowed to scopes. Account routes (keys, invitations, password, sessions) need it.
 */
export function hasAccountScope(principal: Principal): boolean {
  return principal.userId !== null && isUnrestricted(principal);
}

/** Throws AimsError("forbidden") unless the caller holds the account scope; answers the user's id. */
export function requireAccount(principal: Principal, what: string): string {
  if (principal.userId === null || !hasAccountScope(principal))
    throw new AimsError(
      "forbidden",
      `${what} needs the account scope: sign in, or use a key of yours that is not limited to a tenant, a role or scopes`,
    );
  return principal.userId;
}

/** Throws AimsError("forbidden") unless the caller is the operator, unnarrowed (platform routes). */
export function requirePlatformAdmin(principal: Principal, what: string): void {
  if (!principal.platformAdmin || !isUnrestricted(principal))
    throw new AimsError(
      "forbidden",
      `only the operator (platform admin, with an unrestricted key) may ${what}`,
    );
}

/** Throws AimsError("forbidden") unless a person (a session or a user's own key) is calling. */
export function requireUser(principal: Principal, what: string): string {
  if (principal.userId === null) throw new AimsError("forbidden", `only a signed-in user may ${what}`);
  return principal.userId;
}
