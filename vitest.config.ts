import { defineConfig } from "vitest/config";

const sequential = "test/**/*.sequential.test.ts";

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
          exclude: [sequential],
          maxWorkers: 2,
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
