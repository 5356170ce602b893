import { config } from "zod/v4/core";

/**
 * Turns off zod's compiled fast paths for this process. zod compiles one (with `new Function`) for each object
 * schema on its first parse; a command parses its config, its flags and a few manifests once each, and the
 * compiling costs more than it saves (docs/benchmarks.md, "CLI start-up"). Call it before any schema is built.
 * `aims serve`, which parses requests for as long as it runs, keeps them.
 */
export function parseWithoutFastPaths(): void {
  config({ jitless: true });
}
