// PostgreSQL mode on a real server (TEST_DATABASE_URL; .ci/run starts one):
// the migration runner, and what must hold with several replicas on one
// database: distinct references, one handling per inbound event, one seed.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { openStore, type Store } from "../../src/store/index.ts";
import { migrate, readMigrations } from "../../src/store/migrate.ts";
import { POSTGRES_MIGRATIONS_DIR } from "../../src/store/migratePostgres.ts";
import { seedDemo } from "../../src/store/seed.ts";
import { createDatabase, onPostgres, withAdmin, type PostgresDatabase } from "../helpers/postgres.ts";
import pg from "pg";

const draft = { title: "A need", problem: "A problem worth solving", affected: "", benefit: "", sustainability: [], urgency: "low" as const, departmentId: null };

const databases: PostgresDatabase[] = [];
const stores: Store[] = [];
/** A new database: empty, or a clone of the run's migrated template. */
async function database(kind: "empty" | "migrated"): Promise<PostgresDatabase> {
  const template = inject("postgresTemplate");
  const db = await createDatabase(template, kind === "migrated" ? template : undefined);
  databases.push(db);
  return db;
}
async function store(url: string): Promise<Store> {
  const s = await openStore(url, { migrate: false });
  stores.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all(databases.map((d) => d.drop()));
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(!onPostgres)("PostgreSQL", () => {
  it("migrates an empty database once when replicas start at the same moment, and records it as Prisma does", async () => {
    const { url } = await database("empty");
    const names = readMigrations(POSTGRES_MIGRATIONS_DIR).map((m) => m.name);
    expect(names.length).toBeGreaterThan(0);
    const runs = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    expect(runs.flatMap((r) => r.applied).sort()).toEqual(names);
    expect((await migrate(url)).applied).toEqual([]);
    const rows = await query<{ migration_name: string; finished_at: Date | null; checksum: string }>(
      url,
      `SELECT migration_name, finished_at, checksum FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    expect(rows.every((r) => r.finished_at instanceof Date && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    const tables = await query<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining(["Need", "OutboxMessage", "JobRun", "InboundEvent", "ReferenceCounter"]));
  });

  it("brings an older database up to date without losing data, and refuses a changed migration", async () => {
    const { url } = await database("migrated");
    const dir = mkdtempSync(path.join(tmpdir(), "samordna-pgmig-"));
    try {
      cpSync(POSTGRES_MIGRATIONS_DIR, dir, { recursive: true });
      const s = await store(url);
      await s.db.department.create({ data: { code: "OLD", name: "Gammal förvaltning" } });
      const later = path.join(dir, "29991231000000_later");
      cpSync(path.join(dir, readMigrations(dir)[0].name), later, { recursive: true });
      writeFileSync(path.join(later, "migration.sql"), `ALTER TABLE "Department" ADD COLUMN "note" TEXT NOT NULL DEFAULT 'kept';`);
      expect((await migrate(url, dir)).applied).toEqual(["29991231000000_later"]);
      expect(await query(url, `SELECT name, note FROM "Department"`)).toEqual([{ name: "Gammal förvaltning", note: "kept" }]);
      writeFileSync(path.join(later, "migration.sql"), `ALTER TABLE "Department" ADD COLUMN "other" TEXT;`);
      await expect(migrate(url, dir)).rejects.toThrow(/changed after it was applied/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rolls back a failing migration completely", async () => {
    const { url } = await database("migrated");
    const dir = mkdtempSync(path.join(tmpdir(), "samordna-pgmig-"));
    try {
      cpSync(POSTGRES_MIGRATIONS_DIR, dir, { recursive: true });
      const broken = path.join(dir, "29991231000000_broken");
      cpSync(path.join(dir, readMigrations(dir)[0].name), broken, { recursive: true });
      writeFileSync(path.join(broken, "migration.sql"), `CREATE TABLE "Half" ("id" INTEGER);\nALTER TABLE "Nowhere" ADD COLUMN "x" TEXT;`);
      await expect(migrate(url, dir)).rejects.toThrow(/Nowhere/);
      expect(await query(url, `SELECT tablename FROM pg_tables WHERE tablename = 'Half'`)).toEqual([]);
      expect(await query(url, `SELECT migration_name FROM "_prisma_migrations" WHERE migration_name LIKE '%broken'`)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives 500 needs submitted at once through two replicas 500 distinct, gapless references", async () => {
    const { url } = await database("migrated");
    const [a, b] = [await store(url), await store(url)];
    const person = await a.people.create({ displayName: "P", locale: "sv", roles: ["employee"] });
    // 40 submitters, twice as many as the two pools have connections, so every
    // connection always has a transaction contending for the counter row. (All
    // 500 at once would only queue for a connection, and on a busy machine
    // outwait Prisma's maxWait.)
    const references: string[] = [];
    let submitted = 0;
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        while (submitted < 500) {
          submitted++;
          const need = await (i % 2 ? a : b).transaction((tx) => tx.needs.create({ reporterId: person.id, draft, year: 2026 }));
          references.push(need.reference);
        }
      }),
    );
    const numbers = references.map((r) => Number(/^N-2026-(\d{4})$/.exec(r)![1])).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(await b.db.need.count()).toBe(500);
    expect(await a.db.referenceCounter.findUnique({ where: { year: 2026 } })).toEqual({ year: 2026, last: 500 });
    // 500 serialised counter updates: seconds on a quiet machine, more under CI load.
  }, 180_000);

  it("handles an inbound event once, and queues a message once, when two replicas race", async () => {
    const { url } = await database("migrated");
    const [a, b] = [await store(url), await store(url)];
    const seen = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).inbound.firstSeen("slack", "Ev-race")));
    expect(seen.filter(Boolean)).toHaveLength(1);
    expect(await a.db.inboundEvent.count()).toBe(1);
    // Each in a transaction that writes more after the enqueue: the loser's
    // transaction must commit too, not abort on the duplicate key.
    const message = { dedupeKey: "digest:2026-W23:person:3", target: "person:3", kind: "digest", payload: {} };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).transaction(async (tx) => {
          const queued = await tx.outbox.enqueue(message);
          await tx.audit.record({ actorId: null, action: "digest.queued", subject: `race:${i}` });
          return queued;
        }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await a.db.outboxMessage.count()).toBe(1);
    expect(await a.db.auditLog.count({ where: { action: "digest.queued" } })).toBe(20);
  });

  it("seeds the demo data once when two replicas start on an empty database", async () => {
    const { url } = await database("migrated");
    const [a, b] = [await store(url), await store(url)];
    const results = await Promise.all([seedDemo(a), seedDemo(b)]);
    expect(results.map((r) => r.seeded).sort()).toEqual([false, true]);
    const people = await a.db.person.count();
    expect(people).toBeGreaterThan(10);
    expect(await a.db.person.count({ where: { email: "lars.andersson@stockholm.example" } })).toBe(1);
  });

  it("keeps instants exact whatever the server's time zone, and finds e-mails whatever their case", async () => {
    const { url, name } = await database("migrated");
    await withAdmin((c) => c.query(`ALTER DATABASE "${name}" SET timezone TO 'America/New_York'`));
    const s = await store(url);
    const at = new Date("2026-03-29T01:30:00.123Z"); // the night Stockholm moves to summer time
    const person = await s.people.create({ displayName: "Åsa Öberg", email: "Asa@Example.org", locale: "sv", roles: ["employee"] });
    const need = await s.transaction((tx) => tx.needs.create({ reporterId: person.id, draft, year: 2026, createdAt: at }));
    expect((await s.needs.byId(need.id))!.createdAt.toISOString()).toBe(at.toISOString());
    const [row] = await query<{ utc: string }>(url, `SELECT to_char("createdAt", 'YYYY-MM-DD HH24:MI:SS.MS') AS utc FROM "Need"`);
    expect(row.utc).toBe("2026-03-29 01:30:00.123");
    expect((await s.people.byEmail("ASA@example.ORG"))?.displayName).toBe("Åsa Öberg");
  });
});
