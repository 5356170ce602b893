import type { Command } from "commander";
import { addDomain, removeDomain } from "../../lifecycle/customDomains.js";
import { listRoutes } from "../../proxy/listRoutes.js";
import { cliActor, printJson, printTable, withPlatform } from "../context.js";

/** `aims routes`: what the reverse proxy routes where. */
export function registerRoutes(program: Command): void {
  program
    .command("routes")
    .description("list the reverse proxy's routes: host names, paths, state and replicas of each instance")
    .option("-t, --tenant <tenant>", "only this tenant's routes")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { tenant?: string; json?: boolean }) {
      const report = await withPlatform(this, async (p) => listRoutes(await p.reconciler(), opts.tenant));
      if (opts.json) return printJson(report);
      const px = report.proxy;
      process.stdout.write(
        px.enabled
          ? `proxy on ${px.listen}: ${px.running ? `running (pid ${px.pid}, generation ${px.servedGeneration ?? "?"})` : "not running (aims reconcile or aims serve starts it)"}\n`
          : "proxy disabled (proxy.enabled: false / AIMS_PROXY=off)\n",
      );
      if (!report.routes.length) {
        process.stdout.write("no routes\n");
        return;
      }
      const paths = px.pathRouting;
      printTable(
        ["TENANT", "INSTANCE", "STATE", "ANSWER", "HOSTS", ...(paths ? ["PATH URL"] : []), "UPSTREAM"],
        report.routes.map((r) => [
          r.tenant,
          r.instance,
          r.state,
          r.answer,
          r.hosts.map((h) => (h.tls ? `${h.host} (tls)` : h.host)).join(","),
          ...(paths ? [r.pathUrl ?? ""] : []),
          r.upstream.join(","),
        ]),
      );
    });
}

/** `aims domain add|rm <instance> <host> --tenant T`: custom domains of an instance. */
export function registerDomain(program: Command): void {
  const domain = program
    .command("domain")
    .description("custom domains an instance answers at through the proxy");
  for (const verb of ["add", "rm"] as const) {
    domain
      .command(`${verb} <instance> <host>`)
      .description(
        verb === "add" ? "route a host name to an instance" : "stop routing a host name to an instance",
      )
      .requiredOption("-t, --tenant <tenant>", "tenant name")
      .option("--json", "machine-readable output")
      .action(async function (
        this: Command,
        name: string,
        host: string,
        opts: { tenant: string; json?: boolean },
      ) {
        const input = { tenant: opts.tenant, name, host };
        const change = await withPlatform(this, (p) =>
          verb === "add" ? addDomain(p, input, cliActor()) : removeDomain(p, input, cliActor()),
        );
        if (opts.json) return printJson(change);
        const what =
          verb === "add"
            ? change.changed
              ? `${change.host} now routes to ${change.tenant}/${change.instance}: ${change.url}`
              : `${change.host} already routes to ${change.tenant}/${change.instance}`
            : `${change.host} no longer routes to ${change.tenant}/${change.instance}`;
        process.stdout.write(`${what}\n`);
      });
  }
}
