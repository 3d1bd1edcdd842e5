// The store on a real database (SQLite file, or PostgreSQL with TEST_DATABASE_URL):
// migrations, references, optimistic checks. PostgreSQL's migration runner is
// tested in postgres.test.ts.
import Database from "better-sqlite3";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.ts";
import { migrate, MIGRATIONS_DIR, readMigrations } from "../../src/store/migrate.ts";
import { sqliteFilePath } from "../../src/store/client.ts";
import { createTestDb, tempDatabaseUrl, type TestDb } from "../helpers/db.ts";
import { onPostgres } from "../helpers/postgres.ts";

let db: TestDb | undefined;
afterEach(async () => {
  await db?.cleanup();
  db = undefined;
});

const draft = { title: "A need", problem: "A problem worth solving", affected: "", benefit: "", sustainability: [], urgency: "low" as const, departmentId: null };

describe.skipIf(onPostgres)("SQLite migrations", () => {
  it("migrates an empty database, records it as Prisma does, and is idempotent", async () => {
    const { url } = tempDatabaseUrl();
    const first = await migrate(url);
    expect(first.applied).toEqual(readMigrations(MIGRATIONS_DIR).map((m) => m.name));
    expect((await migrate(url)).applied).toEqual([]);
    const sqlite = new Database(sqliteFilePath(url));
    const rows = sqlite.prepare(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"`).all() as { finished_at: string }[];
    expect(rows).toHaveLength(first.applied.length);
    expect(rows.every((r) => r.finished_at)).toBe(true);
    expect(sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    sqlite.close();
  });

  it("gives SQLite's query planner statistics at start: the portfolio's first page reads the newest needs from an index", async () => {
    const { url } = tempDatabaseUrl();
    await migrate(url);
    const sqlite = new Database(sqliteFilePath(url));
    const personId = sqlite.prepare(`INSERT INTO "Person" (displayName, email, updatedAt) VALUES ('Bench', 'bench@stockholm.example', '2026-01-01')`).run().lastInsertRowid;
    const insert = sqlite.prepare(`INSERT INTO "Need" (reference, title, problem, urgency, reporterId, status, createdAt, updatedAt) VALUES (?, 'T', 'P', 'low', ?, ?, ?, ?)`);
    const statuses = ["submitted", "accepted", "in_progress", "done", "done", "done", "declined", "duplicate"];
    sqlite.transaction(() => {
      for (let i = 0; i < 3_000; i++) {
        const at = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString();
        insert.run(`B-${i}`, personId, statuses[i % statuses.length], at, at);
      }
    })();
    const where = `(status IN ('submitted','accepted','in_progress') OR (status IN ('done','declined','duplicate') AND updatedAt >= '2026-03-01'))`;
    const plan = (sql: string) => (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(" | ");
    const firstPage = `SELECT id FROM "Need" WHERE ${where} ORDER BY createdAt DESC, id DESC LIMIT 25`;
    expect(plan(firstPage)).toContain("TEMP B-TREE FOR ORDER BY"); // without statistics: every match sorted
    sqlite.close();

    await migrate(url); // the next start
    const after = new Database(sqliteFilePath(url));
    expect((after.prepare(`SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'Need'`).get() as { n: number }).n).toBeGreaterThan(0);
    const planAfter = (sql: string) => (after.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(" | ");
    expect(planAfter(firstPage)).toBe("SCAN Need USING INDEX Need_createdAt_idx");
    expect(planAfter(`SELECT COUNT(*) FROM "Need" WHERE ${where}`)).toContain("COVERING INDEX Need_status_updatedAt_idx");
    after.close();
  });

  it("creates the database file's directories when they are missing (a fresh clone has no ./data)", async () => {
    const { url: base, dir } = tempDatabaseUrl();
    const url = `file:${path.join(dir, "not", "yet", "there", "samordna.db")}`;
    expect(base).not.toBe(url);
    const store = await openStore(url);
    try {
      expect(await store.ping()).toBe(true);
      expect(await store.departments.active()).toEqual([]);
    } finally {
      await store.close();
    }
    expect(existsSync(sqliteFilePath(url))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it("brings an older database up to date without losing data", async () => {
    const { url, dir } = tempDatabaseUrl();
    const migrations = path.join(dir, "migrations");
    const all = readMigrations(MIGRATIONS_DIR);
    mkdirSync(path.join(migrations, all[0].name), { recursive: true });
    writeFileSync(path.join(migrations, all[0].name, "migration.sql"), readFileSync(path.join(MIGRATIONS_DIR, all[0].name, "migration.sql")));
    await migrate(url, migrations);
    const sqlite = new Database(sqliteFilePath(url));
    sqlite.prepare(`INSERT INTO "Department" (code, name) VALUES ('OLD', 'Gammal förvaltning')`).run();
    sqlite.close();
    const later = "29991231000000_later";
    mkdirSync(path.join(migrations, later));
    writeFileSync(path.join(migrations, later, "migration.sql"), `CREATE TABLE "Later" ("id" INTEGER PRIMARY KEY);`);
    expect((await migrate(url, migrations)).applied).toEqual([later]);
    const check = new Database(sqliteFilePath(url));
    expect(check.prepare(`SELECT name FROM "Department"`).all()).toEqual([{ name: "Gammal förvaltning" }]);
    check.close();
    // A changed migration is refused rather than silently skipped.
    writeFileSync(path.join(migrations, later, "migration.sql"), `CREATE TABLE "Other" ("id" INTEGER PRIMARY KEY);`);
    await expect(migrate(url, migrations)).rejects.toThrow(/changed after it was applied/);
  });
});

describe("store", () => {
  it("numbers references sequentially per year, distinct under concurrency", async () => {
    db = await createTestDb({ seed: false });
    const store = db.store;
    const person = await store.people.create({ displayName: "P", locale: "sv", roles: ["employee"] });
    const created = await Promise.all(
      Array.from({ length: 30 }, () => store.transaction((tx) => tx.needs.create({ reporterId: person.id, draft, year: 2026 }))),
    );
    const refs = created.map((n) => n.reference).sort();
    expect(refs[0]).toBe("N-2026-0001");
    expect(refs.at(-1)).toBe("N-2026-0030");
    expect(new Set(refs).size).toBe(30);
    const next = await store.transaction((tx) => tx.needs.create({ reporterId: person.id, draft, year: 2027 }));
    expect(next.reference).toBe("N-2027-0001");
  });

  it("counts a supporter once when the same +1 arrives twice at once", async () => {
    db = await createTestDb({ seed: false });
    const store = db.store;
    const reporter = await store.people.create({ displayName: "R", locale: "sv", roles: ["employee"] });
    const fan = await store.people.create({ displayName: "F", locale: "sv", roles: ["employee"] });
    const need = await store.transaction((tx) => tx.needs.create({ reporterId: reporter.id, draft, year: 2026 }));
    const added = await Promise.all(Array.from({ length: 6 }, () => store.transaction((tx) => tx.needs.addSupporter(need.id, fan.id))));
    expect(added.filter(Boolean)).toHaveLength(1);
    expect((await store.needs.byId(need.id))?.supporterCount).toBe(1);
    expect(await store.needs.supporterIds(need.id)).toEqual([fan.id]);
  });

  it("refuses a change based on a stale version and keeps the newer one", async () => {
    db = await createTestDb({ seed: false });
    const store = db.store;
    const person = await store.people.create({ displayName: "P", locale: "sv", roles: ["employee"] });
    const need = await store.transaction((tx) => tx.needs.create({ reporterId: person.id, draft, year: 2026 }));
    await store.transaction((tx) => tx.needs.update(need.id, need.version, { title: "First" }, { actorId: person.id, kind: "edited" }));
    await expect(
      store.transaction((tx) => tx.needs.update(need.id, need.version, { title: "Second" }, { actorId: person.id, kind: "edited" })),
    ).rejects.toMatchObject({ code: "conflict" });
    const after = await store.needs.byId(need.id);
    expect(after?.title).toBe("First");
    expect((await store.needs.events(need.id)).map((e) => e.kind)).toEqual(["created", "edited"]);
  });

  it("links chat accounts with the same e-mail to one person", async () => {
    db = await createTestDb({ seed: false });
    const { store } = db;
    const a = await store.transaction((tx) =>
      tx.people.ensureFromAccount({ platform: "teams", tenantId: "t1", userId: "aad-1", displayName: "Eva", email: "Eva@Example.org" }, { locale: "sv" }),
    );
    const b = await store.transaction((tx) =>
      tx.people.ensureFromAccount({ platform: "slack", tenantId: "T9", userId: "U1", displayName: "eva", email: "eva@example.org" }, { locale: "en" }),
    );
    expect(b.id).toBe(a.id);
    expect((await store.people.accountsOf(a.id)).map((x) => x.platform).sort()).toEqual(["slack", "teams"]);
    expect(await store.inbound.firstSeen("slack", "Ev1")).toBe(true);
    expect(await store.inbound.firstSeen("slack", "Ev1")).toBe(false);
  });

  it("records an inbound event and an outbox message once, inside a transaction that goes on", async () => {
    db = await createTestDb({ seed: false });
    const { store } = db;
    const availableAt = new Date("2026-06-01T07:00:00.000Z");
    const message = { dedupeKey: "need-status:1:v2:person:7", target: "person:7", kind: "need.status", payload: { text: "Hej" }, availableAt };
    await store.transaction(async (tx) => {
      expect(await tx.inbound.firstSeen("teams", "act-1")).toBe(true);
      expect(await tx.inbound.firstSeen("teams", "act-1")).toBe(false);
      expect(await tx.outbox.enqueue(message)).toBe(true);
      expect(await tx.outbox.enqueue({ ...message, payload: { text: "Second" } })).toBe(false);
      await tx.settings.set("digest.staleInitiativeWeeks", 7);
    });
    expect(await store.settings.get("digest.staleInitiativeWeeks")).toBe(7);
    const rows = await store.db.outboxMessage.findMany();
    expect(rows).toEqual([
      expect.objectContaining({ dedupeKey: message.dedupeKey, target: "person:7", payload: '{"text":"Hej"}', status: "pending", attempts: 0, availableAt }),
    ]);
    expect(Math.abs(rows[0].createdAt.getTime() - Date.now())).toBeLessThan(60_000);

    const queued = await Promise.all(
      Array.from({ length: 10 }, () => store.transaction((tx) => tx.outbox.enqueue({ ...message, dedupeKey: "digest:2026-W23:person:3" }))),
    );
    expect(queued.filter(Boolean)).toHaveLength(1);
    expect(await store.outbox.countByStatus()).toEqual({ pending: 2 });
  });

  it("creates one person when a new account's first messages arrive at once", async () => {
    db = await createTestDb({ seed: false });
    const { store } = db;
    const identity = { platform: "teams" as const, tenantId: "t1", userId: "aad-new", displayName: "Nils", email: "nils@example.org" };
    const people = await Promise.all(
      Array.from({ length: 8 }, () => store.transaction((tx) => tx.people.ensureFromAccount(identity, { locale: "sv" }))),
    );
    expect(new Set(people.map((p) => p.id)).size).toBe(1);
    expect(await store.db.person.count()).toBe(1);
    expect(await store.db.chatAccount.count()).toBe(1);
  });

  it("reopens with the data intact", async () => {
    db = await createTestDb();
    const count = await db.store.db.need.count();
    await db.store.close();
    const again = await openStore(db.url);
    expect(await again.db.need.count()).toBe(count);
    db.store = again;
  });
});
