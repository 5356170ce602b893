import type { OperationContext } from "../context.js";
import { listInstances } from "../store/instanceRepository.js";
import type { TenantRow } from "../store/tenantRepository.js";
import { type TenantView, toTenantView } from "./tenants.js";

/** One instance of a tenant as a tenant action reports it. */
export interface TenantInstanceState {
  name: string;
  /** What it is meant to be now. */
  desired: string;
  /** What the reconciler last saw. */
  state: string;
  /** While the tenant is suspended: what `aims tenant resume` brings back (running, stopped, suspended). */
  resumesTo: string | null;
}

/** What suspending or resuming a tenant answers: the tenant and each of its instances after the change. */
export interface TenantStateChange {
  tenant: TenantView;
  /** True when the tenant already was in the state asked for (nothing was recorded). */
  unchanged: boolean;
  instances: TenantInstanceState[];
}

/** The tenant (as the operator sees it) and its instances, read now. */
export async function tenantStateOf(
  p: OperationContext,
  tenant: TenantRow,
  unchanged: boolean,
): Promise<TenantStateChange> {
  const rows = await listInstances(p.store.db, { tenantId: tenant.id });
  return {
    tenant: toTenantView(tenant, "owner"),
    unchanged,
    instances: rows.map((r) => ({
      name: r.name,
      desired: r.desired_state,
      state: r.observed_state,
      resumesTo: r.suspended_from,
    })),
  };
}
