import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { ensureDashboardBuilt } from "./dashboardFlows.js";

/** Set once built: vitest runs a global setup for the root config and again for each project it has files of. */
const BUILT = Symbol.for("aims.test.built");

/**
 * Builds what `npm run build` ships, once per run: src/ compiled to dist/, then the CLI bundled
 * (scripts/bundle-cli.mjs), and the dashboard (dist/web) when its sources changed since it was built. The e2e
 * tests spawn that real CLI: compiled start-up is twice as fast as tsx. Building the dashboard here, before any
 * test starts, means no `aims serve` of one file finds it half-written by another.
 */
export default function setup(): void {
  const state = globalThis as { [BUILT]?: boolean };
  if (state[BUILT]) return;
  state[BUILT] = true;
  const root = resolve(import.meta.dirname, "../..");
  try {
    execFileSync(
      process.execPath,
      [resolve(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
      { cwd: root, stdio: "pipe" },
    );
  } catch (err) {
    // Type errors still emit JavaScript; `npm run typecheck` is where they fail the suite.
    const out = String((err as { stdout?: Buffer }).stdout ?? "");
    if (!out.includes("error TS")) throw err;
  }
  execFileSync(process.execPath, [resolve(root, "scripts/bundle-cli.mjs")], { cwd: root, stdio: "pipe" });
  ensureDashboardBuilt();
}
