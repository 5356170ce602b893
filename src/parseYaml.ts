import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as Yaml from "yaml";
import { PACKAGE_ROOT } from "./packageRoot.js";

/** Written by `npm run build` (scripts/bundle-cli.mjs): the YAML files AIMS ships, parsed, by the sha256 of their text. */
const SHIPPED_FILE = join(PACKAGE_ROOT, "dist", "yaml.json");

let yaml: typeof Yaml | undefined;
let shipped: Record<string, unknown> | undefined;

/**
 * The yaml package (CommonJS), required on first use rather than imported: the modules that read or write YAML
 * sit on every command's path and in `aims serve`, and most commands (`aims ps` without a config file), like a
 * server nobody sends YAML to, never read any.
 */
export function yamlLibrary(): typeof Yaml {
  yaml ??= createRequire(import.meta.url)("yaml") as typeof Yaml;
  return yaml;
}

/**
 * Parses YAML text (a config file, a plug manifest, the plans). Text the build parsed already (the built-in
 * catalog and plans, unedited) is answered from its result: parsing them cold was most of what `aims deploy`
 * spent of its own.
 */
export function parseYaml(text: string): unknown {
  shipped ??= existsSync(SHIPPED_FILE)
    ? (JSON.parse(readFileSync(SHIPPED_FILE, "utf8")) as Record<string, unknown>)
    : {};
  const known = shipped[createHash("sha256").update(text).digest("hex")];
  if (known !== undefined) return structuredClone(known);
  return yamlLibrary().parse(text);
}
