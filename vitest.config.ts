import { defineConfig } from "vitest/config";

const sequential = "test/**/*.sequential.test.ts";

/**
 * The files that run once more on PostgreSQL (the postgres project): the store's own tests and the in-process
 * API tests. Lifecycle and end-to-end tests run on SQLite, plus test/postgres-*.test.ts (a deploy-to-remove
 * smoke test and `aims store migrate-to`), which are the postgres project's alone.
 */
const postgresFiles = [
  "src/store/**/*.test.ts",
  "src/ports/portAllocator.test.ts",
  "test/api-*.test.ts",
  "test/security-accounts.test.ts",
  "test/security-streams.test.ts",
  "test/read-model.test.ts",
];
/** Tests of SQLite itself (its file, pragmas, backups): nothing to repeat on PostgreSQL. */
const sqliteOnly = ["src/store/database.test.ts"];
/** Tests of PostgreSQL itself: they need the postgres project's server. */
const postgresOnly = ["test/postgres-*.test.ts", "src/store/postgres*.test.ts"];

export default defineConfig({
  test: {
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: ["default"],
    projects: [
      {
        extends: true,
        // Integration files drive one Docker engine; two workers match this 2-core host.
        test: {
          name: "suite",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [sequential, ...postgresOnly],
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        // The same two workers as the suite (same group): a throw-away role, a fresh database per test.
        test: {
          name: "postgres",
          include: [...postgresFiles, ...postgresOnly],
          exclude: sqliteOnly,
          maxWorkers: 2,
          env: { AIMS_TEST_STORE: "postgres" },
          globalSetup: ["test/support/postgresSetup.ts"],
        },
      },
      {
        extends: true,
        // Files that restart the Docker engine itself: alone, after everything else.
        test: { name: "engine", include: [sequential], fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
