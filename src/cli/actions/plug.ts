import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import { MAX_COMPOSE_BYTES } from "../../compose/composeModel.js";
import { uploadedPath } from "../../compose/composeValues.js";
import { isMapping, parseCompose } from "../../compose/parseCompose.js";
import { AimsError } from "../../domain/errors.js";
import { importPlug } from "../../plugs/importPlug.js";
import { listTenantPlugs, removeTenantPlug, showTenantPlug } from "../../plugs/tenantPlugs.js";
import type { TenantPlugView } from "../../plugs/tenantPlugView.js";
import { cliActor, withPlatform } from "../context.js";
import { printJson, printTable } from "../output.js";

/** `aims plug import <file|->`: the compose file, with the env files it names and its `.env`, becomes a private plug. */
export async function runPlugImport(
  cmd: Command,
  file: string,
  opts: { tenant: string; name?: string; dryRun?: boolean; json?: boolean },
): Promise<void> {
  const compose = file === "-" ? readFileSync(0, "utf8") : readComposeFile(file);
  const files = file === "-" ? {} : companionFiles(file, compose);
  const view = await withPlatform(cmd, (p) =>
    importPlug(
      p,
      {
        tenant: opts.tenant,
        ...(opts.name ? { name: opts.name } : {}),
        compose,
        files,
        dryRun: Boolean(opts.dryRun),
      },
      cliActor(),
    ),
  );
  if (opts.json) return printJson(view);
  const what = opts.dryRun ? "would import" : "imported";
  process.stdout.write(`${what} ${view.tenant}/${view.name} version ${view.version}\n`);
  printDetails(view);
  if (!opts.dryRun)
    process.stdout.write(`deploy it with: aims deploy ${view.name} --tenant ${view.tenant} --name <name>\n`);
}

function readComposeFile(file: string): string {
  if (!existsSync(file)) throw new AimsError("invalid_input", `${file} does not exist`);
  const size = statSync(file).size;
  if (size > MAX_COMPOSE_BYTES)
    throw new AimsError(
      "invalid_input",
      `${file} is ${Math.ceil(size / 1024)} KiB; at most ${MAX_COMPOSE_BYTES / 1024} KiB is accepted`,
    );
  return readFileSync(file, "utf8");
}

/**
 * The files a compose file names beside it: its `env_file:` entries and `.env`, read from the compose file's
 * directory (relative paths only). The server reads no path itself; what is not sent here is refused there.
 */
function companionFiles(file: string, compose: string): Record<string, string> {
  const dir = dirname(file);
  const wanted = new Set<string>([".env"]);
  try {
    for (const svc of Object.values(parseCompose(compose).services)) {
      const list = Array.isArray(svc.env_file)
        ? svc.env_file
        : svc.env_file === undefined
          ? []
          : [svc.env_file];
      for (const item of list) {
        const path = typeof item === "string" ? item : isMapping(item) ? item.path : undefined;
        if (typeof path === "string" && !path.startsWith("/") && !path.split("/").includes(".."))
          wanted.add(path);
      }
    }
  } catch {
    // The server parses the file again and says what is wrong with it.
  }
  const out: Record<string, string> = {};
  for (const path of wanted) {
    const full = join(dir, path);
    if (existsSync(full) && statSync(full).isFile() && statSync(full).size <= 64 * 1024)
      out[uploadedPath(path)] = readFileSync(full, "utf8");
  }
  return out;
}

function printDetails(view: TenantPlugView): void {
  printTable(
    ["SERVICE", "IMAGE", "PORTS", "VOLUMES", "AFTER"],
    view.services.map((s) => [
      s.name,
      s.image,
      s.ports.join(",") || "-",
      s.volumes.join(",") || "-",
      s.dependsOn.join(",") || "-",
    ]),
  );
  if (view.inputs.length)
    process.stdout.write(
      `inputs: ${view.inputs
        .map(
          (i) =>
            `${i.key}${i.generated ? " (secret, generated unless given)" : i.required ? " (required)" : ` (default ${i.default ?? ""})`}`,
        )
        .join(", ")}\n`,
    );
  for (const f of view.report.changed)
    process.stdout.write(`changed: ${f.service ? `${f.service} ` : ""}${f.key}: ${f.reason}\n`);
  for (const f of view.report.ignored)
    process.stdout.write(`ignored: ${f.service ? `${f.service} ` : ""}${f.key}: ${f.reason}\n`);
}

/** `aims plug list`: the tenant's private plugs. */
export async function runPlugList(cmd: Command, opts: { tenant: string; json?: boolean }): Promise<void> {
  const list = await withPlatform(cmd, (p) => listTenantPlugs(p, { tenant: opts.tenant }));
  if (opts.json) return printJson(list);
  if (!list.length) {
    process.stdout.write(
      `tenant ${opts.tenant} has no private plugs (import one with \`aims plug import\`)\n`,
    );
    return;
  }
  printTable(
    ["NAME", "VERSION", "SERVICES", "IMPORTED"],
    list.map((v) => [
      v.name,
      String(v.version),
      v.services.map((s) => s.name).join(","),
      v.importedAt.replace("T", " ").slice(0, 19),
    ]),
  );
}

/** `aims plug show <name>`. */
export async function runPlugShow(
  cmd: Command,
  name: string,
  opts: { tenant: string; json?: boolean },
): Promise<void> {
  const view = await withPlatform(cmd, (p) => showTenantPlug(p, { tenant: opts.tenant, name }));
  if (opts.json) return printJson(view);
  process.stdout.write(
    `${view.tenant}/${view.name} version ${view.version} (versions: ${view.versions.join(", ")})\n`,
  );
  printDetails(view);
}

/** `aims plug rm <name>`. */
export async function runPlugRemove(
  cmd: Command,
  name: string,
  opts: { tenant: string; json?: boolean },
): Promise<void> {
  const view = await withPlatform(cmd, (p) => removeTenantPlug(p, { tenant: opts.tenant, name }, cliActor()));
  if (opts.json) return printJson({ ...view, removed: true });
  process.stdout.write(
    `removed private plug ${view.tenant}/${view.name} (versions ${view.versions.join(", ")}); instances deployed from it keep running\n`,
  );
}
