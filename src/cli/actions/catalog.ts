import type { Command } from "commander";
import type { Plug } from "../../domain/manifest.js";
import { withClient } from "../client/withClient.js";
import { printJson, printTable } from "../output.js";

export interface CatalogListOptions {
  json?: boolean;
  category?: string;
  search?: string;
}

/** `aims catalog list`: the plugs, filtered by category and words. */
export async function runCatalogList(cmd: Command, opts: CatalogListOptions): Promise<void> {
  const entries = await withClient(cmd, (client) =>
    client.listPlugs({
      ...(opts.category ? { category: opts.category } : {}),
      ...(opts.search ? { search: opts.search } : {}),
    }),
  );
  if (opts.json) {
    printJson(entries);
    return;
  }
  if (!entries.length) {
    process.stdout.write("no plugs match\n");
    return;
  }
  printTable(
    ["PLUG", "VERSION", "CATEGORY", "NAME"],
    entries.map((e) => [e.id, e.version, e.category, e.name]),
  );
}

/** `aims catalog show <plug>`: one plug as a person reads it, or its manifest with --json. */
export async function runCatalogShow(cmd: Command, id: string, opts: { json?: boolean }): Promise<void> {
  const plug = await withClient(cmd, (client) => client.getPlug(id));
  if (opts.json) {
    printJson(plug);
    return;
  }
  process.stdout.write(describePlug(plug));
}
/** An input's type with its limits, e.g. `int 16-200` or `enum: a|b`. */
function inputTypeText(input: Plug["inputs"][number]): string {
  if (input.type === "int") return `int ${input.min}-${input.max}`;
  if (input.type === "enum") return `enum: ${input.values.join("|")}`;
  if (input.type === "secret") return "secret, stored encrypted";
  return input.type;
}

/** `0.5 cpu, 256 MiB, 256 pids`; what a manifest leaves out is the tenant's plan's default. */
function limitsText(declared: Plug["services"][number]["resources"]): string {
  const given = declared ?? {};
  const text = [
    given.cpu !== undefined ? `${given.cpu} cpu` : "",
    given.memory !== undefined ? `${Math.round(given.memory / 1024 / 1024)} MiB` : "",
    given.pids !== undefined ? `${given.pids} pids` : "",
  ].filter(Boolean);
  if (text.length === 3) return text.join(", ");
  return `${text.length ? `${text.join(", ")}; the rest` : "all"} from the tenant's plan (defaultResources)`;
}

/** A readable description of a plug for `catalog show`. */
export function describePlug(plug: Plug): string {
  const lines = [`${plug.name} (${plug.id} ${plug.version}, ${plug.category})`];
  if (plug.description) lines.push(plug.description.trim());
  lines.push("", "services:");
  for (const s of plug.services) {
    lines.push(`  ${s.name}: ${s.image ?? `built from ${s.build?.context}`}`);
    for (const p of s.ports)
      lines.push(`    port ${p.name}: ${p.container}/${p.protocol}${p.public ? " (public)" : " (internal)"}`);
    if (s.dependsOn.length) lines.push(`    starts after: ${s.dependsOn.join(", ")} (healthy)`);
    for (const v of s.volumes) lines.push(`    volume ${v.name}: ${v.path}`);
    lines.push(`    limits: ${limitsText(s.resources)}`);
  }
  if (plug.inputs.length) {
    lines.push("", "inputs (asked on a terminal, or set with --set KEY=VALUE):");
    for (const i of plug.inputs) {
      const def = "default" in i && i.default !== undefined ? ` [default: ${i.default}]` : "";
      const req = i.required === false || def ? "" : " (required)";
      lines.push(`  ${i.key} (${inputTypeText(i)})${req}${def}: ${i.question}`);
      if (i.help) lines.push(`      ${i.help}`);
    }
  }
  if (plug.secrets.length) lines.push("", `generated secrets: ${plug.secrets.map((s) => s.key).join(", ")}`);
  if (plug.source?.docs)
    lines.push(
      "",
      `upstream: ${plug.source.docs}${plug.source.upstreamVersion ? ` (${plug.source.upstreamVersion})` : ""}`,
    );
  return `${lines.join("\n")}\n`;
}
