// The dependency rule of ARCHITECTURE.md, checked by `npm run deps` as part of `npm test`.
// There is no baseline file: every rule holds for all of src/, or the test fails.

/** Tests and benchmarks may reach anything: they build the real platform. */
const testFiles = ["\\.test\\.ts$", "^test/", "^bench/"];

/** The drivers: the only modules that talk to the container engine, to nginx and to the host's packet filter. */
const drivers = ["^src/runtime/docker/", "^src/proxy/nginx/", "^src/firewall/iptables/"];

/**
 * Who may build a driver: the composition root (`src/platform.ts`; `src/main.ts` is its old name) and
 * `src/proxy/createRoutes.ts`, which builds the nginx driver the route table is served through.
 */
const compositionRoot = ["^src/main\\.ts$", "^src/platform\\.ts$", "^src/proxy/createRoutes\\.ts$"];

/** @type {import("dependency-cruiser").IConfiguration} */
export default {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Modules that import each other: move what both need into a module of its own.",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-folder-cycles",
      severity: "error",
      scope: "folder",
      comment: "Folders that import each other (store → audit → store): dependencies point one way.",
      from: {},
      to: { circular: true },
    },
    {
      name: "domain-imports-only-domain",
      severity: "error",
      comment: "src/domain/ is pure types and rules: it imports nothing of ours outside itself.",
      from: { path: "^src/domain/" },
      to: { path: "^src/", pathNot: "^src/domain/" },
    },
    {
      name: "intent-engine-imports-only-domain",
      severity: "error",
      comment:
        "src/ai/intent/ is ACHEEVY's pure intent engine (words in, tool calls out): it imports the domain and its own folder, never the store, operations or tools, so it cannot run anything.",
      from: { path: "^src/ai/intent/" },
      to: { path: "^src/", pathNot: ["^src/domain/", "^src/ai/intent/"] },
    },
    {
      name: "docker-driver-imports-domain-and-its-interface",
      severity: "error",
      comment:
        "A driver implements its interface with domain types and decides no policy: it needs nothing else of ours.",
      from: { path: "^src/runtime/docker/", pathNot: testFiles },
      to: {
        path: "^src/",
        pathNot: ["^src/domain/", "^src/runtime/docker/", "^src/runtime/RuntimeDriver\\.ts$"],
      },
    },
    {
      name: "nginx-driver-imports-domain-and-its-interface",
      severity: "error",
      comment:
        "A driver implements its interface with domain types and decides no policy: it needs nothing else of ours.",
      from: { path: "^src/proxy/nginx/", pathNot: testFiles },
      to: { path: "^src/", pathNot: ["^src/domain/", "^src/proxy/nginx/", "^src/proxy/ProxyDriver\\.ts$"] },
    },
    {
      name: "iptables-driver-imports-domain-and-its-interface",
      severity: "error",
      comment:
        "A driver implements its interface with domain types and decides no policy: it needs nothing else of ours.",
      from: { path: "^src/firewall/iptables/", pathNot: testFiles },
      to: {
        path: "^src/",
        pathNot: ["^src/domain/", "^src/firewall/iptables/", "^src/firewall/FirewallDriver\\.ts$"],
      },
    },
    {
      name: "entries-never-import-drivers",
      severity: "error",
      comment: "The CLI and the API call operations; drivers are driven by the reconciler alone.",
      from: { path: "^src/(cli|api)/", pathNot: testFiles },
      to: { path: drivers },
    },
    {
      name: "only-the-composition-root-builds-drivers",
      severity: "error",
      comment: "Drivers are built once, from config, by the composition root, and handed to the reconciler.",
      from: { pathNot: [...testFiles, ...compositionRoot, ...drivers, "^src/images/"] },
      to: { path: drivers },
    },
    {
      name: "images-use-only-the-build-context-listing",
      severity: "error",
      comment:
        "src/images/ hashes build contexts with the Docker driver's own file listing (contextFiles.ts, a pure fs walk), so the tag and the context sent agree; it builds through RuntimeDriver.",
      from: { path: "^src/images/", pathNot: testFiles },
      to: { path: drivers, pathNot: "^src/runtime/docker/contextFiles\\.ts$" },
    },
    {
      name: "cli-registrations-load-nothing-heavy",
      severity: "error",
      comment:
        "`aims --version` and `--help` load the entry, the program (src/cli/program.ts) and every command registration: they import commander, types and light constants; the work lives in src/cli/actions/, imported when its command runs (docs/architecture.md, CLI start-up).",
      from: { path: ["^src/cli/commands/", "^src/cli/main\\.ts$", "^src/cli/program\\.ts$"] },
      to: {
        dependencyTypesNot: ["type-only", "dynamic-import"],
        pathNot: [
          "^src/cli/commands/",
          "^src/cli/program\\.ts$",
          "^src/cli/output\\.ts$",
          "^src/domain/errors\\.ts$",
          "^src/images/localImageGroups\\.ts$",
          "node_modules/commander/",
        ],
      },
    },
    {
      name: "the-server-never-imports-the-dashboard",
      severity: "error",
      comment:
        "web/ is the dashboard, a client of the HTTP API; its own rule is scripts/check-web-deps.mjs (it imports nothing of src/ either).",
      from: { path: "^src/" },
      to: { path: "^web/" },
    },
    {
      name: "no-unresolvable-imports",
      severity: "error",
      comment: "An import the cruiser cannot resolve is one the rules above cannot see.",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.test\\.ts$" },
    // TypeScript 7 ships no compiler API that dependency-cruiser can load, so swc parses the .ts files.
    // `import "./x.js"` resolves to ./x.ts by dependency-cruiser's own TypeScript resolution.
    parser: "swc",
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    moduleSystems: ["es6"],
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "node", "default", "types"],
      mainFields: ["module", "main", "types"],
    },
  },
};
