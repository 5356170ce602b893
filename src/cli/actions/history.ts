import type { Command } from "commander";
import type { InstanceHistory } from "../../lifecycle/instanceHistory.js";
import { withClient } from "../client/withClient.js";
import { printJson, printTable } from "../output.js";

/** `aims history <instance>`: prints an instance's revisions and its last failure. */
export async function runHistory(
  cmd: Command,
  name: string,
  opts: { tenant: string; json?: boolean },
): Promise<void> {
  const history = await withClient(cmd, (client) => client.history({ tenant: opts.tenant, name }));
  if (opts.json) return printJson(history);
  printHistory(history);
}

function printHistory(h: InstanceHistory): void {
  printTable(
    ["REV", "VERSION", "AT", "BY", "OUTCOME", "CHANGES"],
    h.revisions.map((r) => [
      `${r.revision}${r.running ? " *" : ""}`,
      r.version,
      r.at.replace("T", " ").slice(0, 19),
      r.by ?? "",
      r.reason ? `${r.outcome}: ${r.reason.slice(0, 70)}` : r.outcome,
      describeChanges(r.changes),
    ]),
  );
  process.stdout.write("(* the revision running now)\n");
  const f = h.lastFailure;
  if (!f) return;
  process.stdout.write(`\nlast failure (${f.at}, revision ${f.revision}): ${f.what}\n  ${f.reason}\n`);
  if (f.exitCode !== undefined)
    process.stdout.write(`  exit code ${f.exitCode}${f.oomKilled ? ", killed: out of memory" : ""}\n`);
  for (const line of f.logLines ?? []) process.stdout.write(`  | ${line}\n`);
}

function describeChanges(changes: Record<string, unknown>): string {
  return Object.entries(changes)
    .map(([k, v]) => (Array.isArray(v) ? `${k}: ${v.join(",")}` : `${k}: ${JSON.stringify(v)}`))
    .join("; ");
}
