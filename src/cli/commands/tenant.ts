import type { Command } from "commander";

/**
 * `aims tenant create|list|suspend|resume|delete`: the operator's actions on whole tenants. On the host they act
 * as the operator; with AIMS_URL they go through the API, where only the operator may suspend, resume or delete
 * and a user lists (and creates) their own.
 */
export function registerTenant(program: Command): void {
  const tenant = program.command("tenant").description("tenants: create, list, suspend, resume, delete");
  tenant
    .command("create <name>")
    .description("create a tenant (on the install's defaultPlan unless the operator gives --plan)")
    .option("--plan <plan>", "the tenant's plan (operator only; see `aims plans list`)")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, name: string, opts: { plan?: string; json?: boolean }) {
      const { runTenantCreate } = await import("../actions/tenant.js");
      await runTenantCreate(this, name, opts);
    });
  tenant
    .command("list")
    .description("tenants with their plan and status (every tenant for the operator; yours in remote mode)")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { json?: boolean }) {
      const { runTenantList } = await import("../actions/tenant.js");
      await runTenantList(this, opts);
    });
  tenant
    .command("suspend <name>")
    .description(
      "stop every instance of a tenant, data kept; its apps answer AIMS's 503 page and its people and keys may only read (operator)",
    )
    .option("--json", "machine-readable output")
    .action(async function (this: Command, name: string, opts: { json?: boolean }) {
      const { runTenantSuspend } = await import("../actions/tenant.js");
      await runTenantSuspend(this, name, opts);
    });
  tenant
    .command("resume <name>")
    .description("make a suspended tenant active again: what ran before runs again, waited for (operator)")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, name: string, opts: { json?: boolean }) {
      const { runTenantResume } = await import("../actions/tenant.js");
      await runTenantResume(this, name, opts);
    });
  tenant
    .command("delete <name>")
    .description(
      "delete a tenant: members, keys, invitations, domains and kept volumes; refused while it has instances unless --force (operator; asks first unless --yes)",
    )
    .option("--force", "remove its instances and their volumes too")
    .option("-y, --yes", "do not ask for confirmation")
    .option("--json", "machine-readable output")
    .action(async function (
      this: Command,
      name: string,
      opts: { force?: boolean; yes?: boolean; json?: boolean },
    ) {
      const { runTenantDelete } = await import("../actions/tenant.js");
      await runTenantDelete(this, name, opts);
    });
}
