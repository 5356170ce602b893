import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Integration files drive one Docker engine; two workers match this 2-core host.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
