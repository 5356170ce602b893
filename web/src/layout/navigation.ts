import type { Tenant, User } from "../api/types";
import { pathTo } from "../router/router";
import { mayRole } from "../session/permissions";

export interface NavEntry {
  label: string;
  href: string;
}

export interface NavSection {
  label: string;
  entries: NavEntry[];
}

/** The tenant's pages a role may use: what the API under each allows it. */
function tenantEntries(tenant: Tenant): NavEntry[] {
  const base = (page: string) => pathTo("t", tenant.name, page);
  return [
    { label: "Instances", href: base("instances") },
    { label: "Catalog", href: base("catalog") },
    { label: "Members", href: base("members") },
    { label: "Approvals", href: base("approvals") },
    { label: "Plan and usage", href: base("plan") },
    ...(mayRole.manageKeys(tenant.role) ? [{ label: "Service keys", href: base("keys") }] : []),
    ...(mayRole.readAudit(tenant.role) ? [{ label: "Audit log", href: base("audit") }] : []),
  ];
}

/** The operator's (platform admin's) pages: tenants (plans, suspend / resume / delete), plans, the whole log. */
function operatorEntries(): NavEntry[] {
  return [
    { label: "Tenants", href: "/admin/tenants" },
    { label: "Plans", href: "/admin/plans" },
    { label: "Whole audit log", href: "/audit" },
  ];
}

/** The navigation for who is signed in and the tenant they look at. */
export function navigationFor(user: User, tenant: Tenant | undefined): NavSection[] {
  return [
    ...(tenant ? [{ label: tenant.name, entries: tenantEntries(tenant) }] : []),
    { label: "You", entries: [{ label: "Account and keys", href: "/account" }] },
    ...(user.platformAdmin ? [{ label: "Operator", entries: operatorEntries() }] : []),
  ];
}
