import { createRequire } from "node:module";
import type * as Yaml from "yaml";

let yaml: typeof Yaml | undefined;

/**
 * Parses YAML text (a config file, a plug manifest). The yaml package (CommonJS) is required on the first
 * call rather than imported: the modules that read YAML sit on every command's path, and most commands
 * (`aims ps` without a config file) never read any.
 */
export function parseYaml(text: string): unknown {
  yaml ??= createRequire(import.meta.url)("yaml") as typeof Yaml;
  return yaml.parse(text);
}
