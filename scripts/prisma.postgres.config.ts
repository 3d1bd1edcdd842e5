// Prisma CLI configuration for the generated PostgreSQL schema, used only by
// scripts/generatePostgres.ts (`prisma migrate diff`, `prisma generate`).
//
// Prisma 6.19's JS schema engine opens the adapter even for a diff between two
// datamodels, and asks the server one question: does schema "public" exist,
// and which version is it. The adapter below answers that for PostgreSQL 15
// and refuses anything else, so generation needs no database server.
// See docs/decisions/0004-postgresql.md.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// The generated schema reads DATABASE_URL; it is never connected to.
process.env.DATABASE_URL = "postgresql://offline@127.0.0.1:9/offline";
process.env.CHECKPOINT_DISABLE ??= "1";

const VERSION_PROBE = /^SELECT EXISTS\(SELECT 1 FROM pg_namespace WHERE nspname = \$1\), version\(\)/;
// ColumnTypeEnum of @prisma/driver-adapter-utils: Boolean, Text, Int32.
const PROBE_ANSWER = {
  columnNames: ["exists", "version", "numeric_version"],
  columnTypes: [5, 7, 0],
  rows: [[true, "PostgreSQL 15", 150000]],
};

class OfflinePostgres extends PrismaPg {
  override async connect() {
    // The pool connects lazily, on the first query; none reaches it.
    const adapter = await super.connect();
    const refuse = (what: string) => {
      throw new Error(`generatePostgres runs offline; Prisma tried to ${what}`);
    };
    adapter.queryRaw = async (query) => (VERSION_PROBE.test(query.sql) ? PROBE_ANSWER : refuse(`query: ${query.sql}`)) as never;
    adapter.executeRaw = async (query) => refuse(`execute: ${query.sql}`);
    adapter.executeScript = async () => refuse("run a script");
    adapter.startTransaction = async () => refuse("open a transaction");
    return adapter;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  // The CLI insists on a schema file even for a diff between two given files;
  // generatePostgres.ts names the one it works on (a relative path is taken from this file's folder).
  schema: process.env.SAMORDNA_POSTGRES_SCHEMA ?? path.join("..", "prisma", "postgres", "schema.prisma"),
  async adapter() {
    return new OfflinePostgres({ connectionString: process.env.DATABASE_URL });
  },
});
