// Prisma CLI configuration. The JS schema engine with a driver adapter lets
// `prisma migrate diff` and `migrate deploy` run offline, without engine binaries.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

// The schema reads DATABASE_URL; default it so `prisma generate` works on a fresh clone.
// This is the SQLite schema's config: a PostgreSQL DATABASE_URL (set on a replica
// that runs `npm ci`) would make the CLI fail, so it does not apply here.
if (!process.env.DATABASE_URL?.startsWith("file:")) process.env.DATABASE_URL = "file:./data/samordna.db";
process.env.CHECKPOINT_DISABLE ??= "1";
const url = process.env.DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    return new PrismaBetterSQLite3({ url });
  },
});
