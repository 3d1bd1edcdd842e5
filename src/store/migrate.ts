// Applies the committed migrations in prisma/migrations at start. Prisma's own
// `migrate deploy` needs its schema engine (binaries, or a JS engine that fails
// on PostgreSQL here), so we apply the same SQL files ourselves and record them
// in Prisma's `_prisma_migrations` table, which keeps the Prisma CLI's view of
// the database true. See docs/decisions/0001-prisma-offline.md.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { databaseKind, ensureSqliteFile } from "./client.ts";

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");

export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export interface MigrateResult {
  applied: string[];
}

export async function migrate(url: string, dir?: string): Promise<MigrateResult> {
  if (databaseKind(url) === "sqlite") return migrateSqlite(url, dir ?? MIGRATIONS_DIR);
  const { migratePostgres } = await import("./migratePostgres.ts");
  return migratePostgres(url, dir);
}

function migrateSqlite(url: string, dir: string): MigrateResult {
  const db = new Database(ensureSqliteFile(url), { timeout: 10_000 });
  try {
    // WAL lets readers go on while one writer writes; it is a property of the file.
    db.pragma("journal_mode = WAL");
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL,
      "checksum" TEXT NOT NULL,
      "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL,
      "logs" TEXT,
      "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
    )`);
    const applied: string[] = [];
    // BEGIN IMMEDIATE takes the write lock first, so two processes starting at
    // once cannot both apply the same migration.
    const run = db.transaction(() => {
      const done = new Map(
        (db.prepare(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`).all() as {
          migration_name: string;
          checksum: string;
        }[]).map((r) => [r.migration_name, r.checksum]),
      );
      for (const m of readMigrations(dir)) {
        const seen = done.get(m.name);
        if (seen !== undefined) {
          if (seen !== m.checksum) throw new Error(`Migration ${m.name} was changed after it was applied`);
          continue;
        }
        db.exec(m.sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES (?, ?, current_timestamp, ?, 1)`,
        ).run(randomUUID(), m.checksum, m.name);
        applied.push(m.name);
      }
    });
    run.immediate();
    // Statistics for the query planner (sqlite_stat1), refreshed when a table has grown or shrunk
    // a lot since the last time: without them SQLite sorts every open need to show the portfolio's
    // first page instead of reading the createdAt index newest first (docs/PERFORMANCE.md).
    // 0x10002: check every table, not only those this connection used; it costs ~0.1 s at 100,000 needs.
    db.pragma("optimize=0x10002");
    return { applied };
  } finally {
    db.close();
  }
}
