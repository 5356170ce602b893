import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { parseDocument } from "yaml";
import type { AimsConfig } from "../../config.js";
import { buildLocalImages, LOCAL_IMAGE_GROUPS, overridesEnv } from "../../images/buildLocalImages.js";
import { catalogFor, createRuntime } from "../../platform.js";
import { hostOnly, printJson, printTable, progressFor } from "../context.js";

interface BuildLocalOptions {
  only?: string;
  save?: boolean;
  json?: boolean;
}

/** `aims images build-local`: the images an air-gapped host needs, and the overrides that use them. */
export function registerImages(program: Command): void {
  const images = program.command("images").description("local images for air-gapped hosts and tests");
  images
    .command("build-local")
    .description(
      "build base images, every plug built from source, and PostgreSQL/Redis from Debian packages (mmdebstrap); print the image overrides",
    )
    .option("--only <groups>", `comma-separated subset of: ${LOCAL_IMAGE_GROUPS.join(", ")}`)
    .option("--save", "write the image overrides into the config file (imageOverrides)")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: BuildLocalOptions) {
      const config = hostOnly(this);
      const driver = await createRuntime(config);
      await driver.ping();
      const only = opts.only
        ?.split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const report = await buildLocalImages(
        driver,
        catalogFor(config),
        only ? { only } : {},
        progressFor(this),
      );
      const savedTo =
        opts.save && Object.keys(report.overrides).length
          ? saveOverrides(config, report.overrides)
          : undefined;
      if (opts.json) {
        printJson({ ...report, env: overridesEnv(report.overrides), ...(savedTo ? { savedTo } : {}) });
        return;
      }
      printTable(
        ["KIND", "IMAGE", "BUILT NOW", "FOR"],
        report.images.map((i) => [i.kind, i.ref, i.built ? "yes" : "no (cached)", i.for.join(", ")]),
      );
      if (Object.keys(report.overrides).length) {
        process.stdout.write(
          `\nimage overrides:\n  AIMS_IMAGE_OVERRIDES=${overridesEnv(report.overrides)}\n`,
        );
        if (savedTo) process.stdout.write(`  saved to ${savedTo}\n`);
        else process.stdout.write("  (add --save to write them to the config file)\n");
      }
      if (report.pullOnly.length)
        process.stdout.write(
          `\nno local build; pulled from their registries: ${report.pullOnly.join(", ")}\n`,
        );
    });
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
