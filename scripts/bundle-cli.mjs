// Bundles the CLI into dist/cli/main.js (+ dist/cli/chunks/), after `tsc -p tsconfig.build.json` has emitted dist/.
//
// Why: Node 20 loads an ES module graph file by file, and on this 2-core host resolving and reading the ~500
// files behind `aims ps` (kysely alone is 262, zod 95) cost more than running them (docs/benchmarks.md,
// "CLI start-up"). One file per command path loads in a fraction of that. Every `await import()` of an
// action stays a chunk of its own, so a command still loads only what it uses, and `--version` nearly nothing.
//
// Bundled: our code and the pure-JavaScript packages on the hot paths. Left to node_modules: native addons
// (better-sqlite3, argon2), dockerode (optional native ssh2 parts), pino (worker-thread transports found by
// file path), and the API server's packages (only `aims serve` loads them).
//
// Without this step dist/cli/main.js is tsc's own output, which runs the same code unbundled.
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { lazyEngineTransports } from "./lazyEngineTransports.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const BUNDLED = new Set(["commander", "docker-modem", "dockerode", "kysely", "p-limit", "ulid", "zod"]);
const { dependencies } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const external = Object.keys(dependencies).filter((name) => !BUNDLED.has(name));

rmSync(join(root, "dist/cli/chunks"), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: "src/cli/main.ts" },
  outdir: "dist/cli",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  plugins: [lazyEngineTransports],
  // The bundled CommonJS packages (commander, yaml) require Node's built-ins; an ES module has no `require`.
  banner: {
    js: 'import { createRequire as __aimsCreateRequire } from "node:module"; const require = __aimsCreateRequire(import.meta.url);',
  },
  sourcemap: true,
  allowOverwrite: true,
  logLevel: "warning",
});
