// The dependency rule for the dashboard (web/src), run by `npm run deps` after dependency-cruiser checks src/
// (whose swc parser reads no JSX). The dashboard talks to AIMS only through the HTTP API, so:
//   - no module of web/src imports anything outside web/src but the packages listed below (never the server's src/,
//     not even its types: the API's types come from its OpenAPI document, web/src/api/schema.d.ts);
//   - no Node built-in (it runs in a browser);
//   - no modules or folders import each other in a circle.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const web = join(root, "web/src");
/** The packages the dashboard may use: the UI, its hooks, the typed API client, the time charts. */
const PACKAGES = [
  "react",
  "react-dom",
  "react/jsx-runtime",
  "@mantine/core",
  "@mantine/hooks",
  "openapi-fetch",
  // The monitor's time charts (web/src/pages/monitor/TimeChart.tsx), in the chunk loaded with that tab.
  "uplot",
];
const problems = [];

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.tsx?$/.test(name)) yield path;
  }
}

// 1. Every import specifier, type-only ones included (a bundler drops those, so read the text).
const SPECIFIER =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*"([^"]+)"|import\(\s*"([^"]+)"\s*\)|(?:^|\n)\s*import\s*"([^"]+)"/g;
for (const file of sources(web)) {
  const text = readFileSync(file, "utf8");
  for (const match of text.matchAll(SPECIFIER)) {
    const spec = match[1] ?? match[2] ?? match[3] ?? "";
    const where = relative(root, file);
    if (spec.startsWith(".")) {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(`${web}/`) && target !== web)
        problems.push(
          `${where} imports ${spec}, outside web/src (the dashboard reaches AIMS only through its API)`,
        );
    } else if (spec.startsWith("node:"))
      problems.push(`${where} imports ${spec}: the dashboard runs in a browser`);
    else if (!PACKAGES.some((p) => spec === p || spec.startsWith(`${p}/`)))
      problems.push(
        `${where} imports ${spec}, not a package the dashboard uses (scripts/check-web-deps.mjs lists them)`,
      );
  }
}

// 2. Circles, among modules and among folders, from the graph the bundler resolves.
const { metafile } = await build({
  absWorkingDir: root,
  entryPoints: ["web/src/main.tsx"],
  bundle: true,
  write: false,
  metafile: true,
  platform: "browser",
  format: "esm",
  logLevel: "silent",
  external: ["*.css"],
  packages: "external",
});
const graph = new Map(
  Object.entries(metafile.inputs)
    .filter(([path]) => path.startsWith("web/src/"))
    .map(([path, input]) => [path, input.imports.map((i) => i.path).filter((p) => p.startsWith("web/src/"))]),
);
function circle(edges) {
  const state = new Map();
  const stack = [];
  const visit = (node) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "open") return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of edges.keys())
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  return undefined;
}
const moduleCircle = circle(graph);
if (moduleCircle) problems.push(`modules import each other: ${moduleCircle.join(" → ")}`);
const folders = new Map();
for (const [from, tos] of graph) {
  const a = dirname(from);
  for (const to of tos) {
    const b = dirname(to);
    // A folder may use its own subfolders; a subfolder importing its parent back is a circle.
    if (a !== b && !b.startsWith(`${a}/`)) folders.set(a, new Set([...(folders.get(a) ?? []), b]));
  }
}
const folderCircle = circle(new Map([...folders].map(([k, v]) => [k, [...v]])));
if (folderCircle) problems.push(`folders import each other: ${folderCircle.join(" → ")}`);

if (problems.length) {
  process.stderr.write(`web/src breaks the dependency rule:\n${problems.map((p) => `  ${p}`).join("\n")}\n`);
  process.exit(1);
}
process.stdout.write(
  `✔ web/src: ${graph.size} modules, imports only its own modules and ${PACKAGES.length} packages, no circles\n`,
);
