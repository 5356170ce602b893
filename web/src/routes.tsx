import type { ReactNode } from "react";
import type { Tenant } from "./api/types";
import { AccountPage } from "./pages/AccountPage";
import { ApprovalsPage } from "./pages/ApprovalsPage";
import { AuditPage } from "./pages/AuditPage";
import { PlansPage } from "./pages/admin/PlansPage";
import { TenantsAdminPage } from "./pages/admin/TenantsAdminPage";
import { CatalogPage } from "./pages/CatalogPage";
import { DeployPage } from "./pages/deploy/DeployPage";
import { HomePage } from "./pages/HomePage";
import { InstancePage } from "./pages/instances/InstancePage";
import { InstancesPage } from "./pages/instances/InstancesPage";
import { MembersPage } from "./pages/MembersPage";
import { PlanPage } from "./pages/PlanPage";
import { PlugPage } from "./pages/PlugPage";
import { ServiceKeysPage } from "./pages/ServiceKeysPage";

/** What a page gets: the parts of its path, and the tenant it is in (for /t/:tenant/… pages). */
export interface PageProps {
  params: Record<string, string>;
  tenant: Tenant;
}

export interface PageRoute {
  path: string;
  /** The window's title on this page (read by screen readers when it opens, shown in tabs and history). */
  title(params: Record<string, string>): string;
  /** Pages under /t/:tenant need a tenant the user sees; others (account, operator) do not. */
  render(props: PageProps): ReactNode;
  /** Only for the operator (platform admin). */
  operator?: boolean;
}

const p = (params: Record<string, string>, key: string) => params[key] ?? "";

/** The signed-in pages, by path; the operator's (`operator: true`) are also in the navigation (layout/navigation.ts). */
export const ROUTES: PageRoute[] = [
  { path: "/", title: () => "Home", render: () => <HomePage /> },
  { path: "/account", title: () => "Account and keys", render: () => <AccountPage /> },
  { path: "/audit", title: () => "Whole audit log", operator: true, render: () => <AuditPage /> },
  { path: "/admin/tenants", title: () => "Tenants", operator: true, render: () => <TenantsAdminPage /> },
  { path: "/admin/plans", title: () => "Plans", operator: true, render: () => <PlansPage /> },
  {
    path: "/t/:tenant/instances",
    title: (q) => `Instances of ${p(q, "tenant")}`,
    render: ({ tenant }) => <InstancesPage tenant={tenant} />,
  },
  {
    path: "/t/:tenant/instances/:name",
    title: (q) => `${p(q, "name")} in ${p(q, "tenant")}`,
    render: ({ tenant, params }) => (
      <InstancePage key={p(params, "name")} tenant={tenant} name={p(params, "name")} />
    ),
  },
  {
    path: "/t/:tenant/catalog",
    title: () => "Catalog",
    render: ({ tenant }) => <CatalogPage tenant={tenant} />,
  },
  {
    path: "/t/:tenant/catalog/:plug",
    title: (q) => p(q, "plug"),
    render: ({ tenant, params }) => <PlugPage tenant={tenant} id={p(params, "plug")} />,
  },
  {
    path: "/t/:tenant/catalog/:plug/deploy",
    title: (q) => `Deploy ${p(q, "plug")}`,
    render: ({ tenant, params }) => (
      <DeployPage key={p(params, "plug")} tenant={tenant} id={p(params, "plug")} />
    ),
  },
  {
    path: "/t/:tenant/plan",
    title: (q) => `Plan and usage of ${p(q, "tenant")}`,
    render: ({ tenant }) => <PlanPage tenant={tenant} />,
  },
  {
    path: "/t/:tenant/members",
    title: (q) => `Members of ${p(q, "tenant")}`,
    render: ({ tenant }) => <MembersPage tenant={tenant} />,
  },
  {
    path: "/t/:tenant/keys",
    title: (q) => `Service keys of ${p(q, "tenant")}`,
    render: ({ tenant }) => <ServiceKeysPage tenant={tenant} />,
  },
  {
    path: "/t/:tenant/approvals",
    title: (q) => `Approvals in ${p(q, "tenant")}`,
    render: ({ tenant }) => <ApprovalsPage tenant={tenant} />,
  },
  {
    path: "/t/:tenant/audit",
    title: (q) => `Audit log of ${p(q, "tenant")}`,
    render: ({ tenant }) => <AuditPage tenant={tenant} />,
  },
];
