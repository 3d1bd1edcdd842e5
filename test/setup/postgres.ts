// Vitest global setup: with TEST_DATABASE_URL, migrate one template database
// for the whole run; test files clone it (test/helpers/db.ts). Without it the
// tests use SQLite files and this does nothing.
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { migrate } from "../../src/store/migrate.ts";
import { createDatabase, dropDatabases, onPostgres } from "../helpers/postgres.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Name of the migrated template database, "" on SQLite. */
    postgresTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  if (!onPostgres) {
    project.provide("postgresTemplate", "");
    return;
  }
  const prefix = `samordna_t${randomBytes(3).toString("hex")}`;
  const template = await createDatabase(prefix);
  await migrate(template.url);
  project.provide("postgresTemplate", template.name);
  return async () => {
    await dropDatabases(prefix);
  };
}
