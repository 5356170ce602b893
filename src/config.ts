// The public entry of configuration; the schema, the environment table and the loader live in src/config/.
export { type LoadConfigOptions, loadConfig } from "./config/loadConfig.js";
export { type AimsConfig, configSchema } from "./config/schema.js";
/** The repository / package root (where catalog/ and images/ live). */
export { PACKAGE_ROOT } from "./packageRoot.js";
