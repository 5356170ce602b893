import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { parseDocument } from "yaml";
import type { AimsConfig } from "../../config.js";
import { buildLocalImages, overridesEnv } from "../../images/buildLocalImages.js";
import { catalogFor, createRuntime } from "../../platform.js";
import { hostOnly, progressFor } from "../context.js";
import { printJson, printTable } from "../output.js";

/** The flags of `aims images build-local`, as src/cli/flags.ts parsed them. */
export interface BuildLocalOptions {
  /** Groups from `--only a,b`. */
  only?: string[];
  save?: boolean;
  json?: boolean;
}

/** `aims images build-local`: builds what is missing, prints what was built and the overrides that use it. */
export async function runBuildLocal(cmd: Command, opts: BuildLocalOptions): Promise<void> {
  const config = hostOnly(cmd);
  const driver = await createRuntime(config);
  await driver.ping();
  const only = opts.only;
  const report = await buildLocalImages(driver, catalogFor(config), only ? { only } : {}, progressFor(cmd));
  const savedTo =
    opts.save && Object.keys(report.overrides).length ? saveOverrides(config, report.overrides) : undefined;
  if (opts.json) {
    printJson({ ...report, env: overridesEnv(report.overrides), ...(savedTo ? { savedTo } : {}) });
    return;
  }
  printTable(
    ["KIND", "IMAGE", "BUILT NOW", "FOR"],
    report.images.map((i) => [i.kind, i.ref, i.built ? "yes" : "no (cached)", i.for.join(", ")]),
  );
  if (Object.keys(report.overrides).length) {
    process.stdout.write(`\nimage overrides:\n  AIMS_IMAGE_OVERRIDES=${overridesEnv(report.overrides)}\n`);
    if (savedTo) process.stdout.write(`  saved to ${savedTo}\n`);
    else process.stdout.write("  (add --save to write them to the config file)\n");
  }
  if (report.pullOnly.length)
    process.stdout.write(`\nno local build; pulled from their registries: ${report.pullOnly.join(", ")}\n`);
}

/** Merges overrides into the config file's `imageOverrides`, keeping its other keys and comments. */
function saveOverrides(config: AimsConfig, overrides: Record<string, string>): string {
  const file = config.configFile ?? join(config.dataDir, "config.yaml");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const doc = parseDocument(text.trim() ? text : "{}");
  for (const [upstream, local] of Object.entries(overrides)) doc.setIn(["imageOverrides", upstream], local);
  writeFileSync(file, doc.toString(), { mode: 0o600 });
  return file;
}
