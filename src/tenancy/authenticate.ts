import { findApiKeyByDigest } from "../store/apiKeyRepository.js";
import type { Executor } from "../store/database.js";
import { findSessionByDigest, type SessionRow } from "../store/sessionRepository.js";
import { findUserById } from "../store/userRepository.js";
import type { Principal } from "./principal.js";
import type { Permission } from "./roles.js";
import { API_KEY_PREFIX, digestOf } from "./tokens.js";

/** The principal of an API key, or undefined when the key is unknown, revoked, expired or malformed. */
export async function authenticateKey(
  ex: Executor,
  key: string,
  now = new Date(),
): Promise<Principal | undefined> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return undefined;
  const row = await findApiKeyByDigest(ex, digestOf(key));
  if (!row || row.revoked_at !== null) return undefined;
  if (row.expires_at !== null && row.expires_at <= now.toISOString()) return undefined;
  // When a key was last used, at 5-minute resolution: one small write now and then, off the request's path.
  if (row.last_used_at === null || Date.parse(row.last_used_at) < now.getTime() - 300_000)
    void ex
      .updateTable("api_keys")
      .set({ last_used_at: now.toISOString() })
      .where("id", "=", row.id)
      .execute()
      .catch(() => undefined);
  let platformAdmin = row.platform_admin === 1;
  if (row.user_id !== null) {
    const user = await findUserById(ex, row.user_id);
    if (!user) return undefined;
    // A user's key never exceeds its user: it is operator only while the user is.
    platformAdmin = platformAdmin && user.platform_admin === 1;
  }
  return {
    actor: `key:${row.id}`,
    kind: "key",
    userId: row.user_id,
    platformAdmin,
    keyId: row.id,
    sessionId: null,
    tenantId: row.tenant_id,
    roleCap: row.role,
    scopes: row.scopes === null ? null : (JSON.parse(row.scopes) as Permission[]),
  };
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
  return {
    session,
    principal: {
      actor: `user:${user.id}`,
      kind: "session",
      userId: user.id,
      platformAdmin: user.platform_admin === 1,
      keyId: null,
      sessionId: session.id,
      tenantId: null,
      roleCap: null,
      scopes: null,
    },
  };
}
