// One rate limit for every process that sends (issue 13): real server
// processes (`src/main.ts`) and the CLI's `jobs run outbox` on one database
// (PostgreSQL: three replicas and the CLI; SQLite: the server and the CLI on
// one file) send to a Bot Connector stand-in that counts each tenant's and
// conversation's requests in sliding windows as they arrive and answers 429
// beyond the limit. Per-process limiters would send 4 × (or 2 ×) the limit.
// A 429 answered to one process pauses the tenant for the processes that
// never saw it: the pause lives in the database.
import { afterEach, describe, expect, it } from "vitest";
import { createDatabaseLimiter, PLATFORM_LIMITS, WINDOW_MARGIN_MS } from "../../src/jobs/pacing.ts";
import { openStore } from "../../src/store/index.ts";
import { createTestDb, type TestDb } from "../helpers/db.ts";
import { startBotConnector, type BotConnector } from "../helpers/botConnector.ts";
import { onPostgres } from "../helpers/postgres.ts";
import { metricValue, runCli, startReplica, type Replica } from "../helpers/replicas.ts";
import { endProcessTest, outOfOrder, pendingLoad, queueLoad, received, sleep, teamsPeople, waitFor } from "../helpers/outboxLoad.ts";

/** Server processes: three replicas on PostgreSQL; one server beside the CLI on SQLite. */
const SERVERS = onPostgres ? 3 : 1;
/**
 * The stand-in counts a request when it arrives, the limiter when it starts
 * it; on a loaded CI machine running four processes the two differ by more
 * than the production margin (60 ms), so these tests, which demand no 429 at
 * all, count with more. 500 ms once let 51 requests arrive within a second
 * during the PostgreSQL pass of `.ci/run` (a process stalled after checking
 * its turn; the event loop's delay no longer widens a tenant's margin).
 */
const env = (db: TestDb) => ({ DATABASE_URL: db.url, JOBS: "true", OUTBOX_PACING_MARGIN_MS: "1000" });

let db: TestDb | undefined;
let connector: BotConnector | undefined;
let servers: Replica[] = [];
afterEach(async () => {
  await endProcessTest({ servers, connector, db });
  [servers, connector, db] = [[], undefined, undefined];
});

/** The load messages a `jobs run outbox` sent (its lines "#id load.notice to person:n: sent"). */
const sentBy = (output: string) => output.split("\n").filter((line) => / load\.notice to .*: sent$/.test(line)).length;

describe(`the shared rate limiter (${onPostgres ? "PostgreSQL, three replicas" : "SQLite, the server"} and the CLI)`, () => {
  it("keeps every tenant and conversation under its limits with all processes sending, and delivers each message once, in order", async () => {
    db = await createTestDb();
    connector = await startBotConnector();
    connector.limits = { tenant: PLATFORM_LIMITS.teamsTenant, conversation: PLATFORM_LIMITS.teamsConversation };
    connector.roundTripMs = [20, 60];
    // One tenant: at 50/s the 600 messages need at least 12 s, so every process
    // that starts takes part; 20 to each person, so conversations hit their
    // 1-second and 2-second windows too.
    const total = 600;
    const people = await teamsPeople(db.store, connector.url, 30, 1);
    await queueLoad(db.store, people, total);

    const cliRun = runCli(["jobs", "run", "outbox"], env(db));
    servers = await Promise.all(Array.from({ length: SERVERS }, () => startReplica(db!.url, env(db!))));
    await waitFor("the outbox to drain", async () => (await pendingLoad(db!.store)) === 0, 240_000);
    const cli = await cliRun;

    // No request beyond a limit reached the stand-in, from all processes together
    // (each refusal described: what the stand-in had accepted before it).
    const refusals = connector.calls
      .filter((c) => c.status === 429)
      .map((c) => {
        const before = connector!.calls.filter((d) => d.kind === "send" && d.status === 201 && d.at > c.at - 2000 && d.at <= c.at);
        const conversation = before.filter((d) => d.conversationId === c.conversationId).map((d) => d.at - c.at);
        return `${c.conversationId}: tenant ${before.filter((d) => d.at > c.at - 1000).length} in 1 s, conversation at ${conversation.join(", ")} ms`;
      });
    expect(refusals).toEqual([]);
    expect(connector.refused()).toBe(0);
    const counts = received(connector);
    expect(counts.size).toBe(total);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    expect(outOfOrder(connector)).toEqual([]);
    // The CLI sent its share beside the servers (each process's count is its own).
    const perServer = await Promise.all(servers.map((r) => metricValue(r, "samordna_outbox_sent_total", { kind: "load.notice" })));
    console.log(`shared limiter: ${total} messages, sent by the CLI ${sentBy(cli)}, by the servers ${perServer.join(", ")}`);
    expect(sentBy(cli)).toBeGreaterThan(0);
    expect(sentBy(cli) + perServer.reduce((a, b) => a + b, 0)).toBe(total);

    expect(await Promise.all(servers.map((r) => r.stop()))).toEqual(servers.map(() => 0));
  }, 300_000);

  it("pauses a tenant for every process when one of them is answered 429 with Retry-After", async () => {
    db = await createTestDb();
    connector = await startBotConnector();
    // Even people in tenant-load-0 (the one that gets the 429), odd ones in tenant-load-1.
    const people = await teamsPeople(db.store, connector.url, 13, 2);
    servers = await Promise.all(Array.from({ length: SERVERS }, () => startReplica(db!.url, env(db!))));

    // The first send is answered 429, Retry-After 30 s: to whichever server claims it.
    connector.failNext(1, { status: 429, headers: { "retry-after": "30" }, code: "Throttled" });
    await queueLoad(db.store, [people[0]!], 1, { kind: "pause.first" });
    let receiver: Replica | undefined;
    await waitFor("a server to be answered 429", async () => {
      for (const r of servers) if ((await metricValue(r, "samordna_outbox_retried_total", { reason: "rate_limited" })) > 0) receiver = r;
      return receiver !== undefined;
    }, 60_000);
    const pause = await db.store.rateLimits.get("teams:tenant:tenant-load-0");
    expect(pause!.pausedUntil).toBeGreaterThan(Date.now());

    // The server that heard the 429 leaves; only processes that never saw it send from now on.
    expect(await receiver!.stop()).toBe(0);
    servers = servers.filter((r) => r !== receiver);
    const calls = connector.calls.length;
    // Two to each of the other twelve: six people in each tenant.
    await queueLoad(db.store, people.slice(1), 24, { first: 1, kind: "pause.more" });
    // A precondition, not a measurement: the messages were queued while the tenant was paused.
    expect(Date.now()).toBeLessThan(pause!.pausedUntil);

    const pending = async () => (await pendingLoad(db!.store, "pause.first")) + (await pendingLoad(db!.store, "pause.more"));
    if (servers.length) await waitFor("the survivors to deliver", async () => (await pending()) === 0, 120_000);
    // SQLite: the CLI, run again until all is sent (a run ends when nothing is due; paced messages wait).
    else
      while ((await pending()) > 0) {
        await runCli(["jobs", "run", "outbox"], env(db));
        await sleep(500);
      }

    const after = connector.calls.slice(calls).filter((c) => c.kind === "send" && c.status === 201);
    const tenantOf = (c: (typeof after)[number]) => String(c.body?.conversation?.tenantId ?? c.body?.channelData?.tenant?.id);
    const paused = after.filter((c) => tenantOf(c) === "tenant-load-0");
    const other = after.filter((c) => tenantOf(c) === "tenant-load-1");
    // Nothing reached the paused tenant before the pause was over, from any process;
    // the other tenant was not held up by it (its messages went meanwhile or after, each once).
    expect(paused.length).toBe(1 + 12);
    expect(paused.filter((c) => c.at < pause!.pausedUntil)).toEqual([]);
    expect(other.length).toBe(12);
    const delivered = connector.delivered(/load:\d+/);
    expect(delivered.size).toBe(25);
    expect([...delivered.values()].every((n) => n === 1)).toBe(true);
  }, 240_000);
});

describe(`the database limiter (${onPostgres ? "PostgreSQL" : "SQLite"}), two processes' limiters on one database`, () => {
  it("hands out each moment once, however the two interleave, and a pause from one holds the other", async () => {
    db = await createTestDb({ seed: false });
    // PostgreSQL: a second connection, as another process has. SQLite: the same
    // one (better-sqlite3 waits for a lock synchronously, so two connections in
    // one process would wait on each other; the tests above use two processes).
    const other = onPostgres ? await openStore(db.url, { migrate: false }) : db.store;
    try {
      const a = createDatabaseLimiter(db.store.rateLimits);
      const b = createDatabaseLimiter(other.rateLimits);
      const tenant = { key: "teams:tenant:shared", windows: PLATFORM_LIMITS.teamsTenant };
      const at = Date.now();
      // 60 reservations from each at once, for the same tenant (50/s): none further than 10 s away.
      const takes = await Promise.all(Array.from({ length: 120 }, (_, i) => (i % 2 ? a : b).take([tenant], at, 10_000)));
      expect(takes.every((t) => t.taken)).toBe(true);
      const log = await db.store.rateLimits.get(tenant.key);
      const times = log!.times;
      // Only the newest and the 50 before it are kept (no window looks further back); spread one per 20 ms at least.
      expect(times).toHaveLength(51);
      expect(times.slice(1).every((t, i) => t - times[i]! >= 20)).toBe(true);
      // 120 requests at 50/s: the last one's moment is over two windows (and margins) away.
      expect(times.at(-1)! - at).toBeGreaterThanOrEqual(2 * (1000 + WINDOW_MARGIN_MS));

      const channel = [{ key: "slack:channel:C1", windows: PLATFORM_LIMITS.slackChannel }];
      await a.pause("slack:channel:C1", at + 5000);
      // The other limiter sees the pause: its first turn is after it (less the time that passed since `at`).
      const turn = await b.take(channel, at, 0);
      expect(turn.taken).toBe(false);
      expect(turn.wait).toBeGreaterThan(5000 - (Date.now() - at) - 100);
    } finally {
      if (other !== db.store) await other.close();
    }
  });
});
