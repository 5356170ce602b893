import type { Command } from "commander";
import type { TenantDeletion } from "../../tenancy/deleteTenant.js";
import type { TenantStateChange } from "../../tenancy/tenantInstances.js";
import { withClient } from "../client/withClient.js";
import { cancelled, confirm } from "../confirm.js";
import { progressFor } from "../context.js";
import { printJson, printTable } from "../output.js";

/** Why `tenant delete` refuses without a terminal to ask on. */
const DELETE_WITHOUT_TERMINAL = "refusing to delete a tenant without --yes: no terminal to confirm on";

/** `aims tenant create <name> [--plan P]`. */
export async function runTenantCreate(
  cmd: Command,
  name: string,
  opts: { plan?: string; json?: boolean },
): Promise<void> {
  const view = await withClient(cmd, (client) =>
    client.createTenant({ name, ...(opts.plan !== undefined ? { plan: opts.plan } : {}) }),
  );
  if (opts.json) return printJson(view);
  process.stdout.write(`created tenant ${view.name} on plan ${view.plan}\n`);
}

/** `aims tenant list`: name, status, plan, your role, when it was created. */
export async function runTenantList(cmd: Command, opts: { json?: boolean }): Promise<void> {
  const tenants = await withClient(cmd, (client) => client.listTenants());
  if (opts.json) return printJson(tenants);
  if (!tenants.length) {
    process.stdout.write("no tenants yet (`aims tenant create <name>`)\n");
    return;
  }
  printTable(
    ["NAME", "STATUS", "PLAN", "ROLE", "CREATED"],
    tenants.map((t) => [t.name, t.status, t.plan ?? "-", t.role, t.createdAt.replace("T", " ").slice(0, 19)]),
  );
}

/** `aims tenant suspend <name>`: prints what each instance was meant to be (what resume brings back). */
export async function runTenantSuspend(cmd: Command, name: string, opts: { json?: boolean }): Promise<void> {
  const change = await withClient(cmd, (client) => client.suspendTenant({ tenant: name }, progressFor(cmd)));
  if (opts.json) return printJson(change);
  if (change.unchanged) {
    process.stdout.write(`tenant ${change.tenant.name} is already suspended\n`);
    return;
  }
  process.stdout.write(
    `suspended tenant ${change.tenant.name}: ${change.instances.length} instance(s) stopped, data kept; its apps answer AIMS's 503 page and its people and keys may only read\n`,
  );
  printInstances(change, "WAS");
  process.stdout.write(`\`aims tenant resume ${change.tenant.name}\` brings back what ran\n`);
}

/** `aims tenant resume <name>`: prints each instance as it is now. */
export async function runTenantResume(cmd: Command, name: string, opts: { json?: boolean }): Promise<void> {
  const change = await withClient(cmd, (client) => client.resumeTenant({ tenant: name }, progressFor(cmd)));
  if (opts.json) return printJson(change);
  if (change.unchanged) {
    process.stdout.write(`tenant ${change.tenant.name} is already active\n`);
    return;
  }
  process.stdout.write(`resumed tenant ${change.tenant.name}\n`);
  printInstances(change, "DESIRED");
}

function printInstances(change: TenantStateChange, column: "WAS" | "DESIRED"): void {
  if (!change.instances.length) return;
  printTable(
    ["INSTANCE", column, "STATE"],
    change.instances.map((i) => [i.name, column === "WAS" ? (i.resumesTo ?? "-") : i.desired, i.state]),
  );
}

/** `aims tenant delete <name> [--force]`: asks first (unless --yes), then says what went. */
export async function runTenantDelete(
  cmd: Command,
  name: string,
  opts: { force?: boolean; yes?: boolean; json?: boolean },
): Promise<void> {
  const question = opts.force
    ? `delete tenant ${name} with every instance and its volumes, its kept volumes, members, keys, invitations and domains?`
    : `delete tenant ${name} with its kept volumes, members, keys, invitations and domains?`;
  if (!opts.yes && !(await confirm(question, DELETE_WITHOUT_TERMINAL)))
    return cancelled(opts.json, `tenant ${name} was not deleted`);
  const deletion = await withClient(cmd, (client) =>
    client.deleteTenant({ tenant: name, force: Boolean(opts.force) }, progressFor(cmd)),
  );
  if (opts.json) return printJson(deletion);
  process.stdout.write(`${summary(deletion)}\n`);
}

function summary(d: TenantDeletion): string {
  const r = d.removed;
  const instances = d.instances.length
    ? `${d.instances.length} instance(s) (${d.instances.join(", ")}: ${r.containers} container(s), ${r.networks} network(s), ${r.volumes} volume(s)), `
    : "";
  return (
    `deleted tenant ${d.tenant}: ${instances}${d.keptVolumes.length} kept volume(s), ${d.members} member(s), ` +
    `${d.keys} key(s), ${d.invitations} invitation(s), ${d.domains} domain(s); its history stays (\`aims events --tenant ${d.tenant}\`)`
  );
}
