import { APPROVALS_DECIDE_SCOPE } from "../domain/approvals.js";
import { type ApiKeyRow, findApiKeyByDigest, findApiKeyById } from "../store/apiKeyRepository.js";
import type { Executor } from "../store/database.js";
import { findSessionByDigest, type SessionRow } from "../store/sessionRepository.js";
import { findUserById, type UserRow } from "../store/userRepository.js";
import { type Principal, roleIn } from "./principal.js";
import { type KeyScope, weakerRole } from "./roles.js";
import { API_KEY_PREFIX, digestOf } from "./tokens.js";

/** Keys made by keys made by keys…: a longer chain than this does not authenticate. */
const MAX_KEY_CHAIN = 16;

/**
 * Who made a key or an invitation, as they stand now: `host` for the system and the host's CLI (nothing narrows
 * them), a principal for a person or a key still valid, undefined when the maker is gone (removed, revoked,
 * expired). Keys and invitations are bounded by this on every use, never by the maker's standing back then.
 */
export type Maker = Principal | "host" | undefined;

/** The principal of an API key, or undefined when the key is unknown, revoked, expired or malformed. */
export async function authenticateKey(
  ex: Executor,
  key: string,
  now = new Date(),
): Promise<Principal | undefined> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return undefined;
  const row = await findApiKeyByDigest(ex, digestOf(key));
  const principal = row ? await keyPrincipal(ex, row, now, 0) : undefined;
  if (!row || !principal) return undefined;
  // When a key was last used, at 5-minute resolution: one small write now and then, off the request's path.
  if (row.last_used_at === null || Date.parse(row.last_used_at) < now.getTime() - 300_000)
    void ex
      .updateTable("api_keys")
      .set({ last_used_at: now.toISOString() })
      .where("id", "=", row.id)
      .execute()
      .catch(() => undefined);
  return principal;
}

/** The principal and session row of a session cookie, or undefined when unknown, revoked or expired. */
export async function authenticateSession(
  ex: Executor,
  cookie: string,
  now = new Date(),
): Promise<{ principal: Principal; session: SessionRow } | undefined> {
  if (cookie.length > 200) return undefined;
  const session = await findSessionByDigest(ex, digestOf(cookie));
  if (!session || session.revoked_at !== null || session.expires_at <= now.toISOString()) return undefined;
  const user = await findUserById(ex, session.user_id);
  if (!user) return undefined;
  return { session, principal: { ...personPrincipal(user), sessionId: session.id } };
}

/** The standing now of whoever an audit actor (`user:<id>`, `key:<id>`, `system`, `cli:<name>`) names. */
export function makerOf(ex: Executor, actor: string, now = new Date()): Promise<Maker> {
  return makerAt(ex, actor, now, 0);
}

function personPrincipal(user: UserRow): Principal {
  return {
    actor: `user:${user.id}`,
    kind: "session",
    userId: user.id,
    platformAdmin: user.platform_admin === 1,
    keyId: null,
    sessionId: null,
    tenantId: null,
    roleCap: null,
    scopes: null,
    expiresAt: null,
  };
}

async function makerAt(ex: Executor, actor: string, now: Date, depth: number): Promise<Maker> {
  const colon = actor.indexOf(":");
  const kind = colon < 0 ? actor : actor.slice(0, colon);
  const id = actor.slice(colon + 1);
  // The autoscaler of `aims serve` (src/autoscale) asks for approvals as the host does; an approved one runs so.
  if (actor === "system" || actor === "autoscaler" || kind === "cli") return "host";
  if (kind === "user") {
    const user = await findUserById(ex, id);
    return user ? personPrincipal(user) : undefined;
  }
  if (kind === "key" && depth < MAX_KEY_CHAIN) {
    const row = await findApiKeyById(ex, id);
    return row ? keyPrincipal(ex, row, now, depth + 1) : undefined;
  }
  return undefined;
}

/** A key row's principal: its own limits, bounded by its maker's standing now (recursively up the chain). */
async function keyPrincipal(
  ex: Executor,
  row: ApiKeyRow,
  now: Date,
  depth: number,
): Promise<Principal | undefined> {
  if (row.revoked_at !== null) return undefined;
  if (row.expires_at !== null && row.expires_at <= now.toISOString()) return undefined;
  let platformAdmin = row.platform_admin === 1;
  if (row.user_id !== null) {
    const user = await findUserById(ex, row.user_id);
    if (!user) return undefined;
    // A user's key never exceeds its user: it is operator only while the user is.
    platformAdmin = platformAdmin && user.platform_admin === 1;
  }
  const own: Principal = {
    actor: `key:${row.id}`,
    kind: "key",
    userId: row.user_id,
    platformAdmin,
    keyId: row.id,
    sessionId: null,
    tenantId: row.tenant_id,
    roleCap: row.role,
    scopes: row.scopes === null ? null : (JSON.parse(row.scopes) as KeyScope[]),
    expiresAt: row.expires_at,
  };
  const maker = await makerAt(ex, row.created_by, now, depth);
  if (maker === "host") return own;
  return maker ? boundBy(ex, own, maker) : undefined;
}

/**
 * A key as its maker bounds it: never wider in tenant or scopes, never later to expire, never operator unless
 * the maker is; a service key's role is at most its maker's role in the tenant now (none: the key is dead).
 */
async function boundBy(ex: Executor, own: Principal, maker: Principal): Promise<Principal | undefined> {
  if (maker.tenantId !== null && own.tenantId !== maker.tenantId) return undefined;
  const makerScopes = maker.scopes;
  let scopes =
    makerScopes === null ? own.scopes : (own.scopes ?? makerScopes).filter((s) => makerScopes.includes(s));
  // approvals:decide passes down only from a person, or from a key that holds it itself (never from "all").
  if (maker.kind === "key" && !makerScopes?.includes(APPROVALS_DECIDE_SCOPE))
    scopes = scopes?.filter((s) => s !== APPROVALS_DECIDE_SCOPE) ?? null;
  let roleCap = own.roleCap;
  if (own.userId === null && own.tenantId !== null) {
    const makerRole = await roleIn(ex, maker, own.tenantId);
    if (!makerRole) return undefined;
    roleCap = weakerRole(makerRole, own.roleCap);
  } else if (maker.roleCap !== null) roleCap = weakerRole(maker.roleCap, own.roleCap);
  const expiresAt =
    own.expiresAt === null || (maker.expiresAt !== null && maker.expiresAt < own.expiresAt)
      ? maker.expiresAt
      : own.expiresAt;
  return { ...own, platformAdmin: own.platformAdmin && maker.platformAdmin, scopes, roleCap, expiresAt };
}
