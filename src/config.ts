import type { LoadConfigOptions } from "./config/loadConfig.js";
import { loadConfig as loadConfigFrom } from "./config/loadConfig.js";
import type { AimsConfig } from "./config/schema.js";

// The public entry of configuration; the schema, the environment table and the loader live in src/config/.
export type { LoadConfigOptions } from "./config/loadConfig.js";
export { type AimsConfig, configSchema } from "./config/schema.js";
/** The repository / package root (where catalog/ and images/ live). */
export { PACKAGE_ROOT } from "./packageRoot.js";

/**
 * Parses configuration once: overrides > environment > config.yaml > defaults. The one place AIMS reads
 * `process.env`; tests pass `env` (or overrides) instead.
 */
export function loadConfig(options: LoadConfigOptions = {}): AimsConfig {
  return loadConfigFrom({ ...options, env: options.env ?? process.env });
}
