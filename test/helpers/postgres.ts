// PostgreSQL for the tests, when TEST_DATABASE_URL names a server (the second
// pass of .ci/run): test/setup/postgres.ts migrates one template database per
// run, and every test database is a clone of it, which takes milliseconds
// where migrating takes a second.
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The maintenance database of the test server, e.g. postgresql://postgres@127.0.0.1:55432/postgres. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const onPostgres = TEST_DATABASE_URL !== undefined;

export function databaseUrl(name: string): string {
  const url = new URL(TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface PostgresDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new database named `<prefix>_<random>`, a copy of `template` (PostgreSQL's empty template0 when none). */
export async function createDatabase(prefix: string, template = "template0"): Promise<PostgresDatabase> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    name,
    url: databaseUrl(name),
    // FORCE: a server under test may still hold pooled connections.
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** Drops every database whose name starts with `prefix` (what a crashed test file left behind). */
export async function dropDatabases(prefix: string): Promise<void> {
  await withAdmin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${prefix}%`]);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}
