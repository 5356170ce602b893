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
 * Every registration with the top-level commands it adds, in the order `aims --help` lists them. A command
 * line that names one of them registers only its registrations (`tenant` has two), so `aims ps` builds one
 * command, not ninety; src/cli/program.test.ts checks each list against what its registration adds.
 */
const REGISTRATIONS: ReadonlyArray<
  readonly [names: readonly string[], register: (program: Command) => void]
> = [
  [["catalog"], registerCatalog],
  [["deploy"], registerDeploy],
  [["ps"], registerPs],
  [["logs"], registerLogs],
  [["stats"], registerStats],
  [["rm"], registerRm],
  [["stop", "start", "restart", "suspend", "resume"], registerLifecycle],
  [["scale"], registerScale],
  [["update"], registerUpdate],
  [["history"], registerHistory],
  [["reconcile"], registerReconcile],
  [["serve"], registerServe],
  [["service"], registerService],
  [["events"], registerEvents],
  [["routes"], registerRoutes],
  [["domain"], registerDomain],
  [["proxy"], registerProxy],
  [["doctor"], registerDoctor],
  [["firewall"], registerFirewall],
  [["images"], registerImages],
  [["secrets"], registerSecrets],
  [["export"], registerExport],
  [["tenant"], registerTenant],
  [["users"], registerUsers],
  [["volumes"], registerVolumes],
  [["plug"], registerPlug],
  [["plans"], registerPlans],
  [["tenant"], registerTenantPlan],
  [["chat"], registerChat],
  [["approvals"], registerApprovals],
  [["alerts", "webhooks"], registerAlerts],
  [["autoscale"], registerAutoscale],
  [["audit"], registerAudit],
  [["store"], registerStore],
];

/** The root's options that take a value, and those that do not, as a command line spells them before the command. */
const ROOT_VALUE_FLAGS = new Set(["-c", "--config", "-d", "--data-dir"]);
const ROOT_BOOLEAN_FLAGS = new Set(["-v", "--verbose", "-V", "--version"]);

/**
 * A command line (as in process.argv) read up to its command: the first word after the root's own options
 * (`aims -d /x ps --json` → `ps`), whether it asked the version, and whether every flag before the word is the
 * root's (else the whole program answers: `--help`, `--`, combined short flags).
 */
interface RootReading {
  word?: string;
  version: boolean;
  known: boolean;
}

function readRoot(argv: readonly string[]): RootReading {
  let version = false;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-")) return { word: arg, version, known: true };
    const flag = arg.startsWith("--") ? arg.split("=", 1)[0]! : arg;
    if (ROOT_VALUE_FLAGS.has(flag)) {
      if (flag === arg) i++;
    } else if (ROOT_BOOLEAN_FLAGS.has(flag)) version ||= flag === "-V" || flag === "--version";
    else return { version, known: false };
  }
  return { version, known: true };
}

/**
 * Builds the `aims` command tree: for a command line (`argv`, as in process.argv), only the commands it can
 * run (none for `aims --version`); without one, or when the line names no known command (`aims`, `aims help`,
 * a typo that deserves "did you mean"), every command. Before any action runs, every flag's value is parsed by
 * its one schema (src/cli/flags.ts, loaded only then): a bad value is refused naming the flag and what it may
 * be, and the action receives the parsed value.
 */
export function buildProgram(argv?: readonly string[]): Command {
  const program = new Command("aims")
    .description("AIMS — deploy and run plugs as isolated containers")
    .version("0.1.0")
    .option("-c, --config <file>", "config file (default: <data dir>/config.yaml)")
    .option("-d, --data-dir <dir>", "data directory (default: $AIMS_DATA_DIR or ~/.aims)")
    .option("-v, --verbose", "progress and info logs on stderr")
    .showHelpAfterError()
    .exitOverride()
    .hook("preAction", async (_program, action) => {
      // Before any schema is built: an object schema reads the setting when it is made.
      if (action.name() !== "serve") (await import("./oneShotParsing.js")).parseWithoutFastPaths();
      const { parseFlags } = await import("./flags.js");
      await parseFlags(action);
    });
  const root = argv ? readRoot(argv) : undefined;
  if (root?.known && root.version && root.word === undefined) return program;
  const word = root?.known ? root.word : undefined;
  const named = REGISTRATIONS.filter(([names]) => word !== undefined && names.includes(word));
  for (const [, register] of named.length ? named : REGISTRATIONS) register(program);
  return program;
}
