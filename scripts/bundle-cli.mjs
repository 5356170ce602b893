// Bundles the CLI into dist/cli/main.js (+ dist/cli/chunks/), after `tsc -p tsconfig.build.json` has emitted dist/.
//
// Why: Node 20 loads an ES module graph file by file, and on this 2-core host resolving and reading the ~500
// files behind `aims ps` (kysely alone is 262, zod 95) cost more than running them (docs/benchmarks.md,
// "CLI start-up"). One file per command path loads in a fraction of that. Every `await import()` of an
// action stays a chunk of its own, so a command still loads only what it uses, and `--version` nearly nothing.
//
// Bundled: our code and the pure-JavaScript packages on the hot paths (dockerode and tar-fs too: unbundled, their
// ~230 files were most of a CLI deploy's start). Left to node_modules: native addons (better-sqlite3, argon2), pino
// (worker-thread transports found by file path), the API server's packages (only `aims serve` loads them), and
// what LAZY below loads when first used.
//
// Without this step dist/cli/main.js is tsc's own output, which runs the same code unbundled.
// It also writes dist/yaml.json (below).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { build } from "esbuild";
import { parse as parseYaml } from "yaml";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const BUNDLED = new Set(["commander", "dockerode", "kysely", "p-limit", "tar-fs", "ulid", "zod"]);
const { dependencies } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/**
 * Modules a bundled package requires as it loads but uses only on paths AIMS never takes. Each is replaced by a
 * stand-in that requires the real one from node_modules when first used (called, or a property read):
 * commander spawns executable subcommands with node:child_process (aims has none); dockerode's BuildKit
 * session and progress (@grpc/grpc-js, protobufjs) serve builds with `version: "2"` and docker.followProgress
 * (AIMS builds with the classic builder and follows progress with the modem's); docker-modem's SSH transport
 * (ssh2) serves ssh:// engines (AIMS talks to its Unix socket). Together ~150 of dockerode's ~210 files.
 */
const LAZY = [
  { importer: "commander/lib/command.js", request: "node:child_process", module: "node:child_process" },
  {
    importer: "dockerode/lib/docker.js",
    request: "./session",
    module: "dockerode/lib/session.js",
    call: true,
  },
  { importer: "dockerode/lib/docker.js", request: "./buildkit", module: "dockerode/lib/buildkit.js" },
  { importer: "docker-modem/lib/modem.js", request: "./ssh", module: "docker-modem/lib/ssh.js", call: true },
];
const external = [
  ...Object.keys(dependencies).filter((name) => !BUNDLED.has(name)),
  ...LAZY.map((lazy) => lazy.module),
];

/** The esbuild plugin that puts LAZY's stand-ins in place. */
const lazyRequires = {
  name: "lazy-requires",
  setup(build) {
    const requests = new Set(LAZY.map((lazy) => lazy.request));
    build.onResolve({ filter: /^(node:child_process|\.\/session|\.\/buildkit|\.\/ssh)$/ }, (args) => {
      if (!requests.has(args.path)) return undefined;
      const importer = args.importer.replaceAll("\\", "/");
      const lazy = LAZY.find(
        (l) => l.request === args.path && importer.endsWith(`/node_modules/${l.importer}`),
      );
      return lazy ? { path: lazy.module, namespace: "lazy-require" } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: "lazy-require" }, ({ path }) => {
      const real = `require(${JSON.stringify(path)})`;
      const { call } = LAZY.find((lazy) => lazy.module === path);
      return {
        contents: call
          ? `module.exports = function () { return ${real}.apply(this, arguments); };`
          : `module.exports = new Proxy({}, { get: (_, key) => ${real}[key] });`,
        loader: "js",
      };
    });
  },
};

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
  plugins: [lazyRequires],
  // The bundled CommonJS packages (commander, yaml) require Node's built-ins; an ES module has no `require`.
  banner: {
    js: 'import { createRequire as __aimsCreateRequire } from "node:module"; const require = __aimsCreateRequire(import.meta.url);',
  },
  sourcemap: true,
  allowOverwrite: true,
  logLevel: "warning",
});

// The YAML files AIMS ships (the built-in catalog, the plans), parsed, by the sha256 of their text
// (src/parseYaml.ts): parsing them cold with yaml was most of what `aims deploy` spent of its own. Only what JSON
// holds as it is.
const shipped = {};
for (const dir of ["catalog", "plans"])
  for (const name of readdirSync(join(root, dir)).filter((f) => /\.ya?ml$/.test(f))) {
    const text = readFileSync(join(root, dir, name), "utf8");
    const parsed = parseYaml(text);
    if (isDeepStrictEqual(JSON.parse(JSON.stringify(parsed)), parsed))
      shipped[createHash("sha256").update(text).digest("hex")] = parsed;
  }
writeFileSync(join(root, "dist/yaml.json"), JSON.stringify(shipped));
