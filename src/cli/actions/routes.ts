import type { Command } from "commander";
import { addDomain, removeDomain } from "../../lifecycle/customDomains.js";
import { listRoutes } from "../../proxy/listRoutes.js";
import { cliActor, withPlatform } from "../context.js";
import { printJson, printTable } from "../output.js";

/** `aims routes`: the proxy's state, then one row per routed instance. */
export async function runRoutes(cmd: Command, opts: { tenant?: string; json?: boolean }): Promise<void> {
  const report = await withPlatform(cmd, async (p) => listRoutes(await p.reconciler(), opts.tenant));
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
      r.tenantSuspended ? `${r.state} (tenant suspended)` : r.state,
      r.answer,
      r.hosts.map((h) => (h.tls ? `${h.host} (tls)` : h.host)).join(","),
      ...(paths ? [r.pathUrl ?? ""] : []),
      r.upstream.join(","),
    ]),
  );
}

/** `aims domain add|rm <instance> <host>`: routes (or stops routing) a host name to an instance. */
export async function runDomainChange(
  cmd: Command,
  verb: "add" | "rm",
  name: string,
  host: string,
  opts: { tenant: string; json?: boolean },
): Promise<void> {
  const input = { tenant: opts.tenant, name, host };
  const change = await withPlatform(cmd, (p) =>
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
}
