import * as z from "zod";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { nameSchema } from "../domain/names.js";
import type { Actor } from "../lifecycle/actor.js";
import { parseInput } from "../lifecycle/parseInput.js";
import { recordChange } from "../store/recordChange.js";
import {
  findTenantPlug,
  listTenantPlugs as listRows,
  listTenantPlugVersions,
  removeTenantPlug as removeRows,
} from "../store/tenantPlugRepository.js";
import { findTenantByName, lockTenant, type TenantRow } from "../store/tenantRepository.js";
import { type TenantPlugView, tenantPlugView } from "./tenantPlugView.js";

export const tenantPlugInputSchema = z.strictObject({ tenant: nameSchema, name: nameSchema });
export const tenantPlugsInputSchema = z.strictObject({ tenant: nameSchema });

async function tenantNamed(p: OperationContext, name: string): Promise<TenantRow> {
  const tenant = await findTenantByName(p.store.db, name);
  if (!tenant) throw new AimsError("not_found", `no tenant ${name}`);
  return tenant;
}

function noPlug(tenant: string, name: string): AimsError {
  return new AimsError(
    "not_found",
    `tenant ${tenant} has no private plug ${name} (see \`aims plug list --tenant ${tenant}\`)`,
  );
}

/** The tenant's private plugs, newest version of each, by name. */
export async function listTenantPlugs(
  p: OperationContext,
  raw: z.input<typeof tenantPlugsInputSchema>,
): Promise<TenantPlugView[]> {
  const input = parseInput(tenantPlugsInputSchema, raw);
  const tenant = await tenantNamed(p, input.tenant);
  return (await listRows(p.store.db, tenant.id)).map((row) => tenantPlugView(row, tenant.name));
}

/** One private plug: its newest version, with every version kept under the name. */
export async function showTenantPlug(
  p: OperationContext,
  raw: z.input<typeof tenantPlugInputSchema>,
): Promise<TenantPlugView> {
  const input = parseInput(tenantPlugInputSchema, raw);
  const tenant = await tenantNamed(p, input.tenant);
  const versions = await listTenantPlugVersions(p.store.db, tenant.id, input.name);
  if (!versions[0]) throw noPlug(tenant.name, input.name);
  return tenantPlugView(
    versions[0],
    tenant.name,
    versions.map((r) => r.version),
  );
}

/**
 * Removes a private plug, every version, in one transaction with its event and audit entry. Instances deployed
 * from it keep running: each pinned its manifest when it was deployed.
 */
export async function removeTenantPlug(
  p: OperationContext,
  raw: z.input<typeof tenantPlugInputSchema>,
  actor: Actor,
): Promise<TenantPlugView> {
  const input = parseInput(tenantPlugInputSchema, raw);
  const tenant = await tenantNamed(p, input.tenant);
  return p.store.db.transaction().execute(async (trx) => {
    await lockTenant(trx, tenant.id);
    const newest = await findTenantPlug(trx, tenant.id, input.name);
    if (!newest) throw noPlug(tenant.name, input.name);
    const versions = (await listTenantPlugVersions(trx, tenant.id, input.name)).map((r) => r.version);
    await removeRows(trx, tenant.id, input.name, new Date().toISOString());
    const data = { plug: input.name, versions };
    await recordChange(trx, {
      event: { type: "plug.removed", tenantId: tenant.id, subject: `${tenant.name}/${input.name}`, data },
      audit: {
        actor: actor.id,
        source: actor.source,
        action: "plug.remove",
        target: `tenant/${tenant.name}/plug/${input.name}`,
        tenantId: tenant.id,
        result: "ok",
        data,
      },
    });
    return tenantPlugView(newest, tenant.name, versions);
  });
}
