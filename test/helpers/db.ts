// A fresh, migrated SQLite database file per test (the real store, not a mock).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore, type Store } from "../../src/store/index.ts";
import { seedDemo } from "../../src/store/seed.ts";

export interface TestDb {
  url: string;
  store: Store;
  dir: string;
  cleanup(): Promise<void>;
}

export function tempDatabaseUrl(): { url: string; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "samordna-test-"));
  return { url: `file:${path.join(dir, "test.db")}`, dir };
}

export async function createTestDb(options: { seed?: boolean; now?: Date } = {}): Promise<TestDb> {
  const { url, dir } = tempDatabaseUrl();
  const store = await openStore(url);
  if (options.seed !== false) await seedDemo(store.db, options.now);
  return {
    url,
    store,
    dir,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function personByEmail(store: Store, localPart: string) {
  const person = await store.people.byEmail(`${localPart}@stockholm.example`);
  if (!person) throw new Error(`no seeded person ${localPart}`);
  return person;
}
