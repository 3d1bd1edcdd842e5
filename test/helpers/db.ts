// A fresh, migrated database per test (the real store, not a mock): a SQLite
// file in the temp directory, or, when TEST_DATABASE_URL is set, a PostgreSQL
// database cloned from the run's migrated template (test/setup/postgres.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { openStore, type Store } from "../../src/store/index.ts";
import { seedDemo } from "../../src/store/seed.ts";
import { createDatabase, onPostgres } from "./postgres.ts";

export interface TestDatabase {
  url: string;
  /** Deletes the database; the stores on it must be closed (PostgreSQL: or are cut off). */
  drop(): Promise<void>;
}

export interface TestDb extends TestDatabase {
  store: Store;
  cleanup(): Promise<void>;
}

/** A SQLite file URL in a new temp directory. */
export function tempDatabaseUrl(): { url: string; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "samordna-test-"));
  return { url: `file:${path.join(dir, "test.db")}`, dir };
}

/** A new, migrated, empty database of the kind this test run uses. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (onPostgres) {
    const template = inject("postgresTemplate");
    return createDatabase(template, template);
  }
  const { url, dir } = tempDatabaseUrl();
  return { url, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

export async function createTestDb(options: { seed?: boolean; now?: Date } = {}): Promise<TestDb> {
  const database = await createTestDatabase();
  const store = await openStore(database.url);
  if (options.seed !== false) await seedDemo(store, options.now);
  const db: TestDb = {
    ...database,
    store,
    async cleanup() {
      await db.store.close();
      await database.drop();
    },
  };
  return db;
}

export async function personByEmail(store: Store, localPart: string) {
  const person = await store.people.byEmail(`${localPart}@stockholm.example`);
  if (!person) throw new Error(`no seeded person ${localPart}`);
  return person;
}
