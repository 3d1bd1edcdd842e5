import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // With TEST_DATABASE_URL: one migrated PostgreSQL template per run (test/helpers/db.ts).
    globalSetup: ["test/setup/postgres.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two cores: more workers only contend for the CPU and the SQLite files.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
