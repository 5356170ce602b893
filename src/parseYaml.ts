import { createRequire } from "node:module";
import type * as Yaml from "yaml";

let yaml: typeof Yaml | undefined;

/**
 * The yaml package (CommonJS), required on first use rather than imported: the modules that read or write YAML
 * sit on every command's path and in `aims serve`, and most commands (`aims ps` without a config file), like a
 * server nobody sends YAML to, never read any.
 */
export function yamlLibrary(): typeof Yaml {
  yaml ??= createRequire(import.meta.url)("yaml") as typeof Yaml;
  return yaml;
}

/** Parses YAML text (a config file, a plug manifest). */
export function parseYaml(text: string): unknown {
  return yamlLibrary().parse(text);
}
