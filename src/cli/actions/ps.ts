import type { Command } from "commander";
import { withClient } from "../client/withClient.js";
import { printJson, printTable } from "../output.js";

/** `aims ps`: the instances as a table (or JSON), by tenant then name. */
export async function runPs(cmd: Command, opts: { tenant?: string; json?: boolean }): Promise<void> {
  // By tenant, then name: the same order whichever way the list was read.
  const views = (await withClient(cmd, (client) => client.listInstances(opts.tenant))).sort(
    (a, b) => a.tenant.localeCompare(b.tenant) || a.name.localeCompare(b.name),
  );
  if (opts.json) {
    printJson(views);
    return;
  }
  if (!views.length) {
    process.stdout.write("no instances\n");
    return;
  }
  printTable(
    ["TENANT", "NAME", "PLUG", "STATE", "PORTS", "URL"],
    views.map((v) => [
      v.tenant,
      v.name,
      `${v.plug}@${v.version}`,
      v.reason ? `${v.state} (${v.reason.slice(0, 60)})` : v.state,
      v.ports.map((p) => `${p.hostPort}->${p.containerPort}`).join(","),
      v.url ?? "",
    ]),
  );
}
