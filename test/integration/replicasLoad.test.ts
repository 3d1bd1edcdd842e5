// Several replicas on one PostgreSQL database under load and faults (issue 7):
// job ticks at the same moment in three processes queue each ping, reminder
// and digest once; 10,000 outbox messages go out exactly once to a loopback
// Bot Connector with three replicas racing; a replica killed mid-delivery
// loses nothing. PostgreSQL only (TEST_DATABASE_URL; the CI PostgreSQL pass).
import { afterEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../helpers/db.ts";
import { startBotConnector, type BotConnector } from "../helpers/botConnector.ts";
import { onPostgres } from "../helpers/postgres.ts";
import { metricValue, runCli, startReplica, type Replica } from "../helpers/replicas.ts";
import { endProcessTest, outOfOrder, pendingLoad, queueLoad, received, teamsPeople, waitFor } from "../helpers/outboxLoad.ts";

/** Messages in the load test: 10,000 in CI; REPLICA_TEST_MESSAGES=1000 for a quicker local run. */
const MESSAGES = Number(process.env.REPLICA_TEST_MESSAGES ?? 10_000);

let db: TestDb | undefined;
let connector: BotConnector | undefined;
let replicas: Replica[] = [];
afterEach(async () => {
  await endProcessTest({ servers: replicas, connector, db });
  [replicas, connector, db] = [[], undefined, undefined];
});

const sum = (outputs: string[], pattern: RegExp) => outputs.reduce((n, out) => n + Number(pattern.exec(out)?.[1] ?? NaN), 0);

describe.skipIf(!onPostgres)("replicas on one PostgreSQL database, under load and faults", () => {
  it("queue each status ping, reminder and digest once when three processes tick at the same moment, and send each once", async () => {
    db = await createTestDb();
    const env = { DATABASE_URL: db.url };
    const tick = (job: string, at: string) => Promise.all([1, 2, 3].map(() => runCli(["jobs", "run", job, "--at", at], env)));

    const pings = await tick("status-pings", "2026-03-30T07:00:00Z");
    const reminders = await tick("reminders", "2026-04-01T07:00:00Z");
    const digests = await tick("digest", "2026-04-03T12:30:00Z");

    // Across the three processes, each period was started, reminded and digested once.
    expect(sum(pings, /asked (\d+)/)).toBe(5);
    expect(sum(reminders, /sent (\d+) reminder/)).toBe(5);
    const coordinators = await db.store.people.withRole("coordinator");
    expect(sum(digests, /: (\d+) sent/)).toBe(coordinators.length);

    const requests = await db.store.db.statusRequest.findMany({ include: { workPackage: true } });
    expect(requests.map((r) => [r.workPackage?.code, r.periodKey, r.remindersSent]).sort()).toEqual(
      ["WP1", "WP2", "WP3", "WP4", "WP5"].map((code) => [code, "2026-03-30T09:00", 1]),
    );
    const digestRows = await db.store.db.digest.findMany();
    expect(digestRows.map((d) => d.recipientKey).sort()).toEqual(coordinators.map((c) => `person:${c.id}`).sort());
    expect(new Set(digestRows.map((d) => d.periodKey)).size).toBe(1);

    const kinds = ["status.ping", "status.reminder", "digest"];
    const queued = await db.store.db.outboxMessage.findMany({ where: { kind: { in: kinds } } });
    expect(queued.filter((m) => m.kind === "status.ping").map((m) => m.dedupeKey)).toHaveLength(5);
    expect(queued.filter((m) => m.kind === "status.reminder").map((m) => m.dedupeKey)).toHaveLength(5);
    expect(queued.filter((m) => m.kind === "digest")).toHaveLength(coordinators.length);
    expect(new Set(queued.map((m) => m.target + m.kind + m.dedupeKey)).size).toBe(queued.length);

    // Three delivery workers at once: each message lands in its person's web chat once.
    const before = await db.store.db.webChatMessage.count();
    await Promise.all([1, 2, 3].map(() => runCli(["jobs", "run", "outbox"], env)));
    const sent = await db.store.db.outboxMessage.findMany({ where: { kind: { in: kinds } } });
    expect(sent.map((m) => [m.status, m.attempts])).toEqual(sent.map(() => ["sent", 1]));
    const inboxes = await db.store.db.webChatMessage.findMany({ skip: before, orderBy: { id: "asc" } });
    const delivered = (m: { target: string; payload: string }) => inboxes.filter((w) => `person:${w.personId}` === m.target && w.card === m.payload).length;
    expect(sent.map(delivered)).toEqual(sent.map(() => 1));
  }, 180_000);

  it(`deliver ${MESSAGES} outbox messages exactly once with three replicas racing`, async () => {
    db = await createTestDb();
    connector = await startBotConnector();
    const people = await teamsPeople(db.store, connector.url, 200, 50);
    replicas = await Promise.all([1, 2, 3].map(() => startReplica(db!.url, { JOBS: "true" })));

    const started = performance.now();
    await queueLoad(db.store, people, MESSAGES);
    await waitFor("the outbox to drain", async () => (await pendingLoad(db!.store)) === 0, 300_000);
    const seconds = (performance.now() - started) / 1000;
    console.log(`outbox: ${MESSAGES} messages with 3 replicas in ${seconds.toFixed(1)} s (${Math.round(MESSAGES / seconds)}/s)`);

    const counts = received(connector);
    expect(counts.size).toBe(MESSAGES);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    // Each person got their messages in queue order, whichever replica sent them.
    expect(outOfOrder(connector)).toEqual([]);
    const rows = await db.store.db.outboxMessage.findMany({ where: { kind: "load.notice" }, select: { status: true, attempts: true, sentRef: true, leaseOwner: true, lastError: true } });
    expect(rows.filter((r) => r.status !== "sent" || !r.sentRef || r.leaseOwner !== null)).toEqual([]);
    // A send may fail once on a busy machine (a connection reset, a timeout) and be retried; it still arrives once (above).
    const retried = rows.filter((r) => r.attempts > 1);
    if (retried.length) console.log(`outbox: ${retried.length} message(s) retried: ${[...new Set(retried.map((r) => r.lastError))].join("; ")}`);
    // All three took part, and together they sent each message once.
    const perReplica = await Promise.all(replicas.map((r) => metricValue(r, "samordna_outbox_sent_total", { kind: "load.notice" })));
    expect(perReplica.every((n) => n > 0)).toBe(true);
    expect(perReplica.reduce((a, b) => a + b, 0)).toBe(MESSAGES);

    expect(await Promise.all(replicas.map((r) => r.stop()))).toEqual([0, 0, 0]);
  }, 420_000);

  it("lose nothing when a replica is killed mid-delivery: the others take over its claims when the lease expires", async () => {
    const total = Math.min(MESSAGES, 3000);
    db = await createTestDb();
    connector = await startBotConnector();
    const people = await teamsPeople(db.store, connector.url, 100, 25);
    // A short lease, with room for a slow send on a busy machine (a send outlasting
    // its lease would be taken over and sent twice by a survivor).
    // 20 s: a send times out after a third of it, and one that times out on a
    // busy machine and reaches the stand-in all the same is a duplicate too.
    const env = { JOBS: "true", OUTBOX_LEASE_SECONDS: "20" };
    replicas = await Promise.all([1, 2, 3].map(() => startReplica(db!.url, env)));
    const leasedBy = (r: (typeof replicas)[number]) => ({ leaseOwner: { contains: `:${r.process.pid}:` }, status: "pending" });

    await queueLoad(db.store, people, total);
    // The victim is whichever replica holds claims once delivery is well under
    // way: which one that is depends on who claimed first, so it is not fixed.
    let victim: (typeof replicas)[number] | undefined;
    await waitFor("a replica to hold claims mid-delivery", async () => {
      if (received(connector!).size <= total / 5) return false;
      for (const r of replicas) {
        if ((await db!.store.db.outboxMessage.count({ where: leasedBy(r) })) > 0) {
          victim = r;
          return true;
        }
      }
      return false;
    }, 60_000);
    if (!victim) throw new Error("no victim");
    const leasedByVictim = leasedBy(victim);
    victim.process.kill("SIGKILL");
    await victim.exited;
    // What it had claimed and not recorded as sent: taken over once its lease expires.
    const orphans = await db.store.db.outboxMessage.findMany({ where: leasedByVictim, select: { dedupeKey: true } });
    expect(orphans.length).toBeGreaterThan(0);
    const killedAt = performance.now();

    await waitFor("the survivors to finish", async () => (await pendingLoad(db!.store)) === 0, 120_000);
    console.log(`outbox: ${total} messages, one of 3 replicas killed with ${orphans.length} claim(s); done ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill`);

    const counts = received(connector);
    expect(counts.size).toBe(total);
    // At least once at the crash point: only a message the victim was sending
    // as it died may go out twice: at most as many as its one drain sends at
    // once (the worker's concurrency, 128).
    const twice = [...counts].filter(([, n]) => n > 1).map(([key]) => key);
    const strays = twice.filter((key) => !orphans.some((o) => o.dedupeKey === key));
    if (strays.length) console.log("delivered twice, not held by the victim:", await db.store.db.outboxMessage.findMany({ where: { dedupeKey: { in: strays } }, select: { dedupeKey: true, attempts: true, lastError: true } }));
    expect(strays).toEqual([]);
    expect(twice.length).toBeLessThanOrEqual(128);
    expect([...counts.values()].every((n) => n <= 2)).toBe(true);
    const rows = await db.store.db.outboxMessage.findMany({ where: { kind: "load.notice" }, select: { status: true } });
    expect(rows.every((r) => r.status === "sent")).toBe(true);

    replicas = replicas.filter((r) => r !== victim);
    expect(await Promise.all(replicas.map((r) => r.stop()))).toEqual([0, 0]);
  }, 240_000);
});
