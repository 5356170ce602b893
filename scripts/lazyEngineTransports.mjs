// An esbuild plugin for scripts/bundle-cli.mjs: dockerode and docker-modem are bundled, and the parts of them
// AIMS never uses stay in node_modules, loaded on first use instead of at start.
//
// Why: `require("dockerode")` loads docker-modem's SSH transport (ssh2, whose crypto reserves ~16 MiB) and
// dockerode's BuildKit session (@grpc/grpc-js, @grpc/proto-loader, protobufjs) at the top of their modules:
// with them, dockerode alone adds ~29 MiB to a bare node's resident memory, without them ~18
// (docs/benchmarks.md, "Control-plane memory"). AIMS talks to the engine over its unix socket (`dockerSocket`)
// and builds with the classic builder, so neither runs; if one ever does, its first call loads the real module,
// as before.

/** The modules left in node_modules: the package that requires one, its request, and the real module. */
const LEFT_OUT = [
  // Required at the top of modem.js and docker.js, called later: replaced by a stub that requires on call.
  {
    importer: /[\\/]docker-modem[\\/]lib[\\/]modem\.js$/,
    request: "./ssh",
    real: "docker-modem/lib/ssh.js",
    stub: true,
  },
  {
    importer: /[\\/]dockerode[\\/]lib[\\/]docker\.js$/,
    request: "./session",
    real: "dockerode/lib/session.js",
    stub: true,
  },
  // Already required inside a function (BuildKit progress): left as a run-time require. It finds its .proto
  // file next to itself, which a bundled copy could not.
  {
    importer: /[\\/]dockerode[\\/]lib[\\/]docker\.js$/,
    request: "./buildkit",
    real: "dockerode/lib/buildkit.js",
    stub: false,
  },
];

/** The esbuild plugin. */
export const lazyEngineTransports = {
  name: "lazy-engine-transports",
  setup(build) {
    build.onResolve({ filter: /^\.\/(ssh|session|buildkit)$/ }, (args) => {
      const left = LEFT_OUT.find((l) => l.request === args.path && l.importer.test(args.importer));
      if (!left) return undefined;
      return left.stub
        ? { path: left.real, namespace: "lazy-engine-module" }
        : { path: left.real, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: "lazy-engine-module" }, (args) => ({
      // Each exports one function. The name is a variable, so esbuild leaves the require to run time. It is
      // resolved from dockerode's place (a direct dependency): docker-modem may sit under dockerode's own
      // node_modules rather than at the top.
      contents: `const real = ${JSON.stringify(args.path)};
module.exports = function () {
  const fromDockerode = require("node:module").createRequire(require.resolve("dockerode"));
  return fromDockerode(real).apply(this, arguments);
};`,
      loader: "js",
    }));
  },
};
