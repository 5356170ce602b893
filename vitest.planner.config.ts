import { defineConfig } from "vitest/config";

/**
 * The pure planners' unit tests with a branch-coverage gate: no globalSetup (it compiles src/ for the
 * e2e tests), no Docker, a few seconds. `npm run test:planner`.
 */
export default defineConfig({
  test: {
    include: ["src/lifecycle/planReconcile.test.ts", "src/lifecycle/planTick.test.ts"],
    coverage: {
      enabled: true,
      provider: "v8",
      include: ["src/lifecycle/planReconcile.ts", "src/lifecycle/planTick.ts"],
      reporter: ["text"],
      thresholds: { branches: 100, lines: 100, functions: 100, statements: 100 },
    },
  },
});
