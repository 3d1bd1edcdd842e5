// The outbox worker against a real database: 429s with Retry-After, transient
// and permanent failures, a worker that crashes between claim and send, and
// two workers racing. Every message is delivered exactly once.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeliveryError, type Deliverer, type DeliveryTarget } from "../../src/bots/delivery.ts";
import { createOutboxWorker } from "../../src/jobs/outbox.ts";
import { execFile } from "node:child_process";
import path from "node:path";
import { createTestDb, personByEmail, type TestDb } from "../helpers/db.ts";
import { clockedApp, outboxRows, type ClockedApp } from "../helpers/jobs.ts";

let db: TestDb;
let t: ClockedApp;
const t0 = new Date("2026-03-30T07:00:00Z");
const later = (ms: number) => new Date(t0.getTime() + ms);

/** A Teams stand-in that records sends and fails the calls it is told to. */
function testDeliverer(failures: Record<number, DeliveryError> = {}) {
  const sends: { marker: string; target: DeliveryTarget }[] = [];
  let calls = 0;
  const deliverer: Deliverer = {
    platform: "teams",
    async deliver(target, card) {
      calls++;
      const failure = failures[calls];
      if (failure) throw failure;
      sends.push({ marker: String((card.body[0] as { text?: string }).text), target });
      return { ref: `teams-activity-${calls}` };
    },
  };
  return { deliverer, sends, calls: () => calls };
}

async function withTeamsAccount(key: string) {
  const person = await personByEmail(db.store, key);
  await db.store.people.ensureFromAccount(
    { platform: "teams", tenantId: "tenant-1", userId: `aad-${key}`, displayName: person.displayName, email: person.email, conversationRef: "{}" },
    { locale: "sv" },
  );
  return person;
}

async function enqueue(n: number, targets: string[]) {
  for (let i = 0; i < n; i++) {
    await db.store.outbox.enqueue({
      dedupeKey: `test:${i}`,
      target: targets[i % targets.length]!,
      kind: "test.notice",
      payload: { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: `message ${i}` }] },
      availableAt: t0,
    });
  }
}

const markers = (sends: { marker: string }[]) => sends.map((s) => s.marker).sort((a, b) => Number(a.split(" ")[1]) - Number(b.split(" ")[1]));
const all = (n: number) => Array.from({ length: n }, (_, i) => `message ${i}`);

beforeEach(async () => {
  db = await createTestDb();
  t = clockedApp(db);
});
afterEach(async () => {
  await db.cleanup();
});

describe("outbox worker", () => {
  it("honours Retry-After on 429s without counting them as failed attempts", async () => {
    const people = await Promise.all(["maria.svensson", "johan.berg", "sara.nilsson"].map(withTeamsAccount));
    const teams = testDeliverer({
      2: new DeliveryError("rate_limited", "429 Too Many Requests", 5000),
      3: new DeliveryError("rate_limited", "429 Too Many Requests", 8000),
    });
    t.app.deliverers.set("teams", teams.deliverer);
    await enqueue(6, people.map((p) => `person:${p.id}`));
    // One at a time: the stand-in fails calls by their number.
    const worker = createOutboxWorker(t.app, { concurrency: 1 });

    expect(await worker.drain(t0)).toEqual({ sent: 4, retried: 2, failed: 0 });
    const waiting = (await outboxRows(db.store)).filter((m) => m.status === "pending");
    expect(waiting.map((m) => [m.availableAt.toISOString(), m.attempts, m.rateLimited, m.lastError])).toEqual([
      [later(5000).toISOString(), 0, 1, "rate_limited: 429 Too Many Requests"],
      [later(8000).toISOString(), 0, 1, "rate_limited: 429 Too Many Requests"],
    ]);
    expect(await worker.drain(later(4000))).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(await worker.drain(later(5000))).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(await worker.drain(later(8000))).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(markers(teams.sends)).toEqual(all(6));
    expect(teams.sends.every((s) => s.target.kind === "person" && s.target.account?.platform === "teams")).toBe(true);
    const rows = await outboxRows(db.store);
    expect(rows.every((m) => m.status === "sent" && m.sentRef?.startsWith("teams-activity-") && m.leaseOwner === null)).toBe(true);

    const metrics = await t.app.metrics.registry.metrics();
    expect(metrics).toContain('samordna_outbox_sent_total{platform="teams",kind="test.notice"} 6');
    expect(metrics).toContain('samordna_outbox_retried_total{platform="teams",reason="rate_limited"} 2');
    expect(metrics).toContain("samordna_outbox_pending_messages 0");
  });

  it("gives up on a message that keeps getting 429s, after the rate-limit cap", async () => {
    const maria = await withTeamsAccount("maria.svensson");
    const limited: Deliverer = {
      platform: "teams",
      deliver: async () => {
        throw new DeliveryError("rate_limited", "429", 60 * 60_000);
      },
    };
    t.app.deliverers.set("teams", limited);
    await enqueue(1, [`person:${maria.id}`]);
    const worker = createOutboxWorker(t.app, { maxRateLimited: 3 });
    expect(await worker.drain(t0)).toEqual({ sent: 0, retried: 1, failed: 0 });
    // A Retry-After of an hour is capped at 15 minutes.
    expect((await outboxRows(db.store))[0]!.availableAt).toEqual(later(15 * 60_000));
    expect(await worker.drain(later(15 * 60_000))).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect(await worker.drain(later(30 * 60_000))).toEqual({ sent: 0, retried: 0, failed: 1 });
    const [row] = await outboxRows(db.store);
    expect([row!.status, row!.attempts, row!.rateLimited, row!.lastError]).toEqual(["failed", 1, 2, "rate limited 3 times: 429"]);
  });

  it("delivers exactly once when a worker crashes between claim and send (the lease expires)", async () => {
    const maria = await withTeamsAccount("maria.svensson");
    const teams = testDeliverer();
    t.app.deliverers.set("teams", teams.deliverer);
    await enqueue(5, [`person:${maria.id}`]);

    // Worker A claims three messages and dies before sending them.
    const claimedByA = await db.store.outbox.claim({ owner: "worker-a", now: t0, leaseMs: 60_000, limit: 3 });
    expect(claimedByA.map((m) => m.dedupeKey)).toEqual(["test:0", "test:1", "test:2"]);

    const b = createOutboxWorker(t.app, { owner: "worker-b" });
    expect(await b.drain(later(10_000))).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(await b.drain(later(59_000))).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(await b.drain(later(61_000))).toEqual({ sent: 3, retried: 0, failed: 0 });
    expect(markers(teams.sends)).toEqual(all(5));
    // A comes back: its lease is gone, so it cannot record (or resend) anything.
    expect(await db.store.outbox.markSent(claimedByA[0]!.id, "worker-a", { at: later(62_000), ref: "late" })).toBe(false);
    expect(await db.store.outbox.claim({ owner: "worker-a", now: later(62_000), leaseMs: 60_000, limit: 10 })).toEqual([]);
  });

  it("delivers exactly once with two worker processes racing on one database (`jobs run outbox`)", async () => {
    // Two processes, as with two replicas: better-sqlite3 blocks its process while it waits for a lock,
    // so two connections in one process would only measure that.
    const people = await Promise.all(["lars.andersson", "fatima.ali", "karin.ek"].map((k) => personByEmail(db.store, k)));
    await enqueue(60, people.map((p) => `person:${p.id}`));
    const run = () =>
      new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          ["--import", "tsx", "src/cli.ts", "jobs", "run", "outbox", "--at", later(1000).toISOString()],
          { env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent" }, cwd: path.resolve(import.meta.dirname, "../..") },
          (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
        );
      });
    const outputs = await Promise.all([run(), run()]);
    const sent = outputs.map((o) => Number(/outbox: (\d+) sent/.exec(o)?.[1]));
    expect(sent[0]! + sent[1]!).toBe(60);
    const delivered = (await Promise.all(people.map((p) => db.store.webChat.since(p.id, 0)))).flat();
    expect(markers(delivered.map((m) => ({ marker: String((m.card as { body: { text: string }[] }).body[0]!.text) })))).toEqual(all(60));
  }, 60_000);

  it("retries transient errors with backoff, fails permanent ones, and stops using an unreachable account", async () => {
    const maria = await withTeamsAccount("maria.svensson");
    const johan = await withTeamsAccount("johan.berg");
    const teams = testDeliverer({
      1: new DeliveryError("transient", "502 Bad Gateway"),
      2: new DeliveryError("permanent", "400 Bad Request: card too large"),
      3: new DeliveryError("unreachable", "403 the bot was removed"),
    });
    t.app.deliverers.set("teams", teams.deliverer);
    await enqueue(3, [`person:${maria.id}`, `person:${johan.id}`, `person:${maria.id}`]);
    // One at a time: the stand-in fails calls by their number.
    const worker = createOutboxWorker(t.app, { concurrency: 1 });

    expect(await worker.drain(t0)).toEqual({ sent: 0, retried: 1, failed: 2 });
    const rows = await outboxRows(db.store);
    expect(rows.map((m) => [m.dedupeKey, m.status, m.attempts, m.lastError])).toEqual([
      ["test:0", "pending", 1, "transient: 502 Bad Gateway"],
      ["test:1", "failed", 1, "permanent: 400 Bad Request: card too large"],
      ["test:2", "failed", 1, "unreachable: 403 the bot was removed"],
    ]);
    expect(rows[0]!.availableAt).toEqual(later(10_000));
    const [account] = await db.store.people.accountsOf(maria.id);
    expect(account!.unreachableAt).toEqual(t0);
    // Maria's Teams account is unreachable now: the retry goes to her web chat inbox.
    expect(await worker.drain(later(10_000))).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(await db.store.webChat.since(maria.id, 0)).toHaveLength(1);
    const metrics = await t.app.metrics.registry.metrics();
    expect(metrics).toContain('samordna_outbox_failed_total{platform="teams",reason="permanent"} 1');
    expect(metrics).toContain('samordna_outbox_retried_total{platform="teams",reason="transient"} 1');
  });

  it("gives up after the attempt cap, and waits when the target's platform has no deliverer here", async () => {
    const johan = await withTeamsAccount("johan.berg");
    const failing: Deliverer = {
      platform: "teams",
      deliver: async () => {
        throw new Error("socket hang up");
      },
    };
    t.app.deliverers.set("teams", failing);
    await enqueue(1, [`person:${johan.id}`]);
    await db.store.outbox.enqueue({ dedupeKey: "channel", target: "slack:C0123", kind: "digest", payload: {}, availableAt: t0 });
    const worker = createOutboxWorker(t.app, { maxAttempts: 3 });
    let now = t0;
    const outcomes = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push(await worker.drain(now));
      now = new Date(now.getTime() + 31 * 60_000);
    }
    expect(outcomes.map((o) => o.failed)).toEqual([0, 0, 1, 0]);
    const rows = await outboxRows(db.store);
    expect(rows.map((m) => [m.dedupeKey, m.status, m.attempts, m.lastError])).toEqual([
      ["test:0", "failed", 3, "transient: socket hang up"],
      ["channel", "pending", 0, "no slack deliverer in this process"],
    ]);
  });

  it("sends targets in parallel but each target's messages in queue order", async () => {
    const people = await Promise.all(["maria.svensson", "johan.berg", "sara.nilsson"].map(withTeamsAccount));
    const teams = testDeliverer();
    t.app.deliverers.set("teams", teams.deliverer);
    await enqueue(30, people.map((p) => `person:${p.id}`));
    expect(await createOutboxWorker(t.app, { concurrency: 3 }).drain(t0)).toEqual({ sent: 30, retried: 0, failed: 0 });
    for (const person of people) {
      const mine = teams.sends.filter((s) => s.target.kind === "person" && s.target.person.id === person.id).map((s) => Number(s.marker.split(" ")[1]));
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
      expect(mine).toHaveLength(10);
    }
  });

  it("on stop, finishes the send in flight, claims no more, and gives the rest back", async () => {
    const maria = await withTeamsAccount("maria.svensson");
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const sends: string[] = [];
    t.app.deliverers.set("teams", {
      platform: "teams",
      async deliver(_target, card) {
        await gate;
        sends.push(String((card.body[0] as { text?: string }).text));
        return { ref: `teams-activity-${sends.length}` };
      },
    });
    await enqueue(5, [`person:${maria.id}`]);
    const worker = createOutboxWorker(t.app, { owner: "stopping" });
    const draining = worker.drain(t0);
    while ((await outboxRows(db.store)).every((m) => m.leaseOwner === null)) await new Promise((r) => setTimeout(r, 10));
    worker.stop();
    release();
    expect(await draining).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(sends).toEqual(["message 0"]);
    expect(await worker.release()).toBe(4);
    const rows = await outboxRows(db.store);
    expect(rows.map((m) => [m.status, m.leaseOwner])).toEqual([["sent", null], ...Array(4).fill(["pending", null])]);
  });

  it("sends the pings the status job queued to the leads' web chat", async () => {
    await t.tick("status-pings", "2026-03-30T07:00:00Z");
    expect(await t.tick("outbox", "2026-03-30T07:00:05Z")).toBe("5 sent, 0 retried, 0 failed");
    const maria = await personByEmail(db.store, "maria.svensson");
    const inbox = await db.store.webChat.since(maria.id, 0);
    expect(inbox).toHaveLength(1);
    expect(JSON.stringify(inbox[0]!.card)).toContain("Läget för WP1 Styrning");
    expect(await t.tick("outbox", "2026-03-30T07:00:10Z")).toBe("0 sent, 0 retried, 0 failed");
  });
});
