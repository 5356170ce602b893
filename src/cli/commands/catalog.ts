import type { Command } from "commander";
import type { Plug } from "../../domain/manifest.js";
import { catalogFor } from "../../main.js";
import { configFrom, printJson, printTable } from "../context.js";

/** `aims catalog list|show`: what can be deployed, and what each plug asks for. */
export function registerCatalog(program: Command): void {
  const catalog = program.command("catalog").description("browse the plug catalog");
  catalog
    .command("list")
    .description("list plugs")
    .option("--json", "machine-readable output")
    .action(function (this: Command, opts: { json?: boolean }) {
      const entries = catalogFor(configFrom(this)).entries;
      if (opts.json) {
        printJson(entries.map((e) => summary(e.plug)));
        return;
      }
      printTable(
        ["PLUG", "VERSION", "CATEGORY", "NAME"],
        entries.map((e) => [e.plug.id, e.plug.version, e.plug.category, e.plug.name]),
      );
    });
  catalog
    .command("show <plug>")
    .description("show a plug: services, ports, volumes, inputs and generated secrets")
    .option("--json", "machine-readable output")
    .action(function (this: Command, id: string, opts: { json?: boolean }) {
      const entry = catalogFor(configFrom(this)).get(id);
      if (opts.json) {
        printJson(entry.plug);
        return;
      }
      process.stdout.write(describePlug(entry.plug));
    });
}

function summary(plug: Plug) {
  return {
    id: plug.id,
    version: plug.version,
    name: plug.name,
    category: plug.category,
    description: plug.description,
  };
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
    for (const v of s.volumes) lines.push(`    volume ${v.name}: ${v.path}`);
    const mem = Math.round(s.resources.memory / 1024 / 1024);
    lines.push(`    limits: ${s.resources.cpu} cpu, ${mem} MiB, ${s.resources.pids} pids`);
  }
  if (plug.inputs.length) {
    lines.push("", "inputs (set with --set KEY=VALUE):");
    for (const i of plug.inputs) {
      const def = "default" in i && i.default !== undefined ? ` [default: ${i.default}]` : "";
      const req = i.required === false || def ? "" : " (required)";
      lines.push(`  ${i.key} (${i.type})${req}${def}: ${i.question}`);
      if (i.help) lines.push(`      ${i.help}`);
    }
  }
  if (plug.secrets.length) lines.push("", `generated secrets: ${plug.secrets.map((s) => s.key).join(", ")}`);
  return `${lines.join("\n")}\n`;
}
