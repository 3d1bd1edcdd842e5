// Three real server processes (`src/main.ts`, as deployed) on one PostgreSQL
// database, started at the same moment on an empty database: one migrates and
// seeds, the others wait for the lock and find the work done; 500 needs
// submitted through all three at once (100 in flight) get distinct references.
import { afterAll, describe, expect, inject, it } from "vitest";
import { openStore } from "../../src/store/index.ts";
import { readMigrations } from "../../src/store/migrate.ts";
import { POSTGRES_MIGRATIONS_DIR } from "../../src/store/migratePostgres.ts";
import { createDatabase, onPostgres, type PostgresDatabase } from "../helpers/postgres.ts";
import { startReplica, type Replica } from "../helpers/replicas.ts";
import { cardText, webChat } from "../helpers/server.ts";

const SUBMISSIONS = 500;
let database: PostgresDatabase | undefined;
let replicas: Replica[] = [];
afterAll(async () => {
  for (const r of replicas) r.process.kill("SIGKILL");
  await database?.drop();
});

describe.skipIf(!onPostgres)("replicas on one PostgreSQL database", () => {
  it("start together on an empty database, and number needs submitted through all of them at once distinctly", async () => {
    database = await createDatabase(inject("postgresTemplate"));
    replicas = await Promise.all([1, 2, 3].map(() => startReplica(database!.url)));
    for (const r of replicas) expect((await fetch(`${r.url}/healthz`)).status).toBe(200);
    expect(replicas.filter((r) => r.log.some((line) => line.includes("demo data loaded")))).toHaveLength(1);

    const people = (await (await fetch(`${replicas[0].url}/web/api/people`)).json()) as { id: number; displayName: string }[];
    expect(new Set(people.map((p) => p.displayName)).size).toBe(people.length); // seeded once
    const submissions = Array.from({ length: SUBMISSIONS }, (_, i) => ({ replica: replicas[i % 3], person: people[i % people.length], i }));
    // 100 in flight at any moment, spread over the three replicas: a burst
    // that queues on every replica's connection pool and on the counter's row
    // lock, without asking one overloaded 2-core machine to answer 500 at once.
    const references: string[] = [];
    let next = 0;
    const lane = async () => {
      while (next < submissions.length) {
        const { replica, person, i } = submissions[next++];
        const reply = await webChat(replica.url, person.id).click("need.submit", {
          title: `Behov ${i} från replik`,
          problem: `Ett problem som behöver lösas, inskickat som nummer ${i} genom en av tre repliker.`,
          urgency: "medium",
          skipSimilar: true,
        });
        const text = cardText(reply.replace);
        references[i] = /N-\d{4}-\d{4}/.exec(text)?.[0] ?? `no reference: ${text}`;
      }
    };
    await Promise.all(Array.from({ length: 100 }, lane));
    expect(references.filter((r) => r.startsWith("no reference"))).toEqual([]);
    expect(new Set(references).size).toBe(SUBMISSIONS);

    const store = await openStore(database.url, { migrate: false });
    try {
      expect(await store.db.need.count({ where: { reference: { in: references } } })).toBe(SUBMISSIONS);
      expect(await store.db.need.count({ where: { reference: { startsWith: "pending:" } } })).toBe(0);
      // A need is readable through another replica than the one that took it.
      const first = submissions[0];
      const newest = await store.db.need.findFirstOrThrow({ where: { reporterId: first.person.id }, orderBy: { id: "desc" } });
      const mine = await webChat(replicas[(first.i + 1) % 3].url, first.person.id).say("my needs");
      expect(cardText(mine.cards[0])).toContain(newest.reference);
      const migrations = await store.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "_prisma_migrations"`;
      expect(Number(migrations[0].n)).toBe(readMigrations(POSTGRES_MIGRATIONS_DIR).length);
    } finally {
      await store.close();
    }

    expect(await Promise.all(replicas.map((r) => r.stop()))).toEqual([0, 0, 0]);
  }, 120_000);
});
