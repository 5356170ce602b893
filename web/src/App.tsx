import { Fragment, useEffect } from "react";
import { EmptyState, Loading } from "./components/Feedback";
import { Shell } from "./layout/Shell";
import { AcceptInvitationPage } from "./pages/AcceptInvitationPage";
import { SignInPage } from "./pages/SignInPage";
import { Link, matchPath, navigate, pathTo, useLocation } from "./router/router";
import { ROUTES } from "./routes";
import { useSession } from "./session/SessionProvider";

/** Picks the page for the path: sign-in and invitations for anyone, the rest inside the signed-in frame. */
export function App() {
  const { user, tenants } = useSession();
  const location = useLocation();
  const path = location.pathname.replace(/\/+$/, "") || "/";
  const signedOut = user === null;

  useEffect(() => {
    if (signedOut && path !== "/sign-in" && path !== "/invitation")
      navigate(`/sign-in${path === "/" ? "" : `?next=${encodeURIComponent(path)}`}`, { replace: true });
    if (!signedOut && user && path === "/sign-in") navigate("/", { replace: true });
  }, [signedOut, user, path]);

  useEffect(() => {
    const titles: Record<string, string> = { "/sign-in": "Sign in", "/invitation": "Accept an invitation" };
    const match = ROUTES.map((r) => ({ r, params: matchPath(r.path, path) })).find((m) => m.params);
    const title = titles[path] ?? (match?.params ? match.r.title(match.params) : "Not found");
    document.title = `${title} · Deploy Dock`;
  }, [path]);

  if (path === "/invitation") return <AcceptInvitationPage />;
  if (user === undefined) return <Loading label="Opening Deploy Dock…" />;
  if (user === null) return path === "/sign-in" ? <SignInPage /> : null;

  const route = ROUTES.map((r) => ({ route: r, params: matchPath(r.path, path) })).find((m) => m.params);
  const tenantName = route?.params?.tenant;
  const tenant = tenants.find((t) => t.name === tenantName);
  if (!route?.params || (route.route.operator && !user.platformAdmin))
    return (
      <Shell tenant={undefined}>
        <EmptyState title="There is no such page">
          <Link href="/">Back to the start</Link>
        </EmptyState>
      </Shell>
    );
  if (tenantName !== undefined && !tenant)
    return (
      <Shell tenant={undefined}>
        <EmptyState title={`No tenant ${tenantName}`}>
          It does not exist, or you are not a member. <Link href={pathTo()}>Your tenants</Link>
        </EmptyState>
      </Shell>
    );
  // Keyed by the route and tenant: another page (or the same page of another tenant) starts with fresh state.
  return (
    <Shell tenant={tenant}>
      <Fragment key={`${route.route.path} ${tenantName ?? ""}`}>
        {route.route.render({ params: route.params, tenant: tenant as NonNullable<typeof tenant> })}
      </Fragment>
    </Shell>
  );
}
