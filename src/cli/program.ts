import { Command } from "commander";
import { registerAlerts } from "./commands/alerts.js";
import { registerApprovals } from "./commands/approvals.js";
import { registerAudit } from "./commands/audit.js";
import { registerAutoscale } from "./commands/autoscale.js";
import { registerCatalog } from "./commands/catalog.js";
import { registerChat } from "./commands/chat.js";
import { registerDeploy } from "./commands/deploy.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerEvents } from "./commands/events.js";
import { registerExport } from "./commands/export.js";
import { registerFirewall } from "./commands/firewall.js";
import { registerHistory } from "./commands/history.js";
import { registerImages } from "./commands/images.js";
import { registerLifecycle } from "./commands/lifecycle.js";
import { registerLogs } from "./commands/logs.js";
import { registerPlans } from "./commands/plans.js";
import { registerPlug } from "./commands/plug.js";
import { registerProxy } from "./commands/proxy.js";
import { registerPs } from "./commands/ps.js";
import { registerReconcile } from "./commands/reconcile.js";
import { registerRm } from "./commands/rm.js";
import { registerDomain, registerRoutes } from "./commands/routes.js";
import { registerScale } from "./commands/scale.js";
import { registerSecrets } from "./commands/secrets.js";
import { registerServe } from "./commands/serve.js";
import { registerService } from "./commands/service.js";
import { registerStats } from "./commands/stats.js";
import { registerStore } from "./commands/store.js";
import { registerTenant } from "./commands/tenant.js";
import { registerTenantPlan } from "./commands/tenantPlan.js";
import { registerUpdate } from "./commands/update.js";
import { registerUsers } from "./commands/users.js";
import { registerVolumes } from "./commands/volumes.js";

/**
 * Builds the `aims` command tree. Before any action runs, every flag's value is parsed by its one schema
 * (src/cli/flags.ts, loaded only then): a bad value is refused naming the flag and what it may be, and the
 * action receives the parsed value.
 */
export function buildProgram(): Command {
  const program = new Command("aims")
    .description("AIMS — deploy and run plugs as isolated containers")
    .version("0.1.0")
    .option("-c, --config <file>", "config file (default: <data dir>/config.yaml)")
    .option("-d, --data-dir <dir>", "data directory (default: $AIMS_DATA_DIR or ~/.aims)")
    .option("-v, --verbose", "progress and info logs on stderr")
    .showHelpAfterError()
    .exitOverride()
    .hook("preAction", async (_program, action) => {
      const { parseFlags } = await import("./flags.js");
      parseFlags(action);
    });
  registerCatalog(program);
  registerDeploy(program);
  registerPs(program);
  registerLogs(program);
  registerStats(program);
  registerRm(program);
  registerLifecycle(program);
  registerScale(program);
  registerUpdate(program);
  registerHistory(program);
  registerReconcile(program);
  registerServe(program);
  registerService(program);
  registerEvents(program);
  registerRoutes(program);
  registerDomain(program);
  registerProxy(program);
  registerDoctor(program);
  registerFirewall(program);
  registerImages(program);
  registerSecrets(program);
  registerExport(program);
  registerTenant(program);
  registerUsers(program);
  registerVolumes(program);
  registerPlug(program);
  registerPlans(program);
  registerTenantPlan(program);
  registerChat(program);
  registerApprovals(program);
  registerAlerts(program);
  registerAutoscale(program);
  registerAudit(program);
  registerStore(program);
  return program;
}
