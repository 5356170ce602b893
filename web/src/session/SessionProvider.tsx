import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { api, hasSessionCookie, onSignedOut, rememberCsrfToken } from "../api/client";
import { must } from "../api/errors";
import type { Tenant, User } from "../api/types";
import { allPages } from "../hooks/useResource";

export interface Session {
  /** undefined while the first look-up runs; null when nobody is signed in. */
  user: User | null | undefined;
  tenants: Tenant[];
  /** Loads the user and their tenants again (after signing in, creating or joining a tenant). */
  refresh(): Promise<void>;
  /** Forgets the user (after signing out, or when the API says the session ended). */
  clear(): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

/** The tenants the user can open: the operator's list also holds deleted ones, which have nothing to show. */
async function loadTenants(): Promise<Tenant[]> {
  const all = await allPages((cursor) =>
    must(api.GET("/v1/tenants", { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } })),
  );
  return all.filter((t) => t.status !== "deleted");
}

/** Who is signed in and the tenants they see, for every page. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>();
  const [tenants, setTenants] = useState<Tenant[]>([]);

  const refresh = useCallback(async () => {
    // No CSRF cookie, no session (they are set and cleared together): nothing to ask, and no 401 in the console.
    if (!hasSessionCookie()) {
      setUser(null);
      setTenants([]);
      return;
    }
    const me = await api.GET("/v1/users/me");
    if (!me.data) {
      setUser(null);
      setTenants([]);
      return;
    }
    setTenants(await loadTenants());
    setUser(me.data);
  }, []);
  const clear = useCallback(() => {
    rememberCsrfToken(undefined);
    setUser(null);
    setTenants([]);
  }, []);

  useEffect(() => {
    refresh().catch(() => setUser(null));
    return onSignedOut(clear);
  }, [refresh, clear]);

  const value = useMemo(() => ({ user, tenants, refresh, clear }), [user, tenants, refresh, clear]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session of the page. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}

/** The tenant named in the path, when the signed-in user sees it. */
export function useTenant(name: string | undefined): Tenant | undefined {
  const { tenants } = useSession();
  return tenants.find((t) => t.name === name);
}
