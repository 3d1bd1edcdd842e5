// The outbox worker against a real database: 429s with Retry-After, transient
// and permanent failures, a worker that crashes between claim and send, and
// two workers racing. Every message is delivered exactly once.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeliveryError, type Deliverer, type DeliveryTarget } from "../../src/bots/delivery.ts";
import { createOutboxWorker } from "../../src/jobs/outbox.ts";
import { WINDOW_MARGIN_MS } from "../../src/jobs/pacing.ts";
import { execFile } from "node:child_process";
import path from "node:path";
import { createTestDb, personByEmail, type TestDb } from "../helpers/db.ts";
import { clockedApp, outboxRows, type ClockedApp } from "../helpers/jobs.ts";

let db: TestDb;
let t: ClockedApp;
const t0 = new Date("2026-03-30T07:00:00Z");
const later = (ms: number) => new Date(t0.getTime() + ms);

const markerOf = (card: { body: unknown[] }) => String((card.body[0] as { text?: string }).text);

/** A Teams stand-in that records sends and fails a message's first tries as it is told (by the message's text). */
function testDeliverer(failures: Record<string, DeliveryError | DeliveryError[]> = {}) {
  const sends: { marker: string; target: DeliveryTarget }[] = [];
  const tries = new Map<string, number>();
  let calls = 0;
  const deliverer: Deliverer = {
    platform: "teams",
    async deliver(target, card) {
      calls++;
      const marker = markerOf(card);
      const n = tries.get(marker) ?? 0;
      tries.set(marker, n + 1);
      const failure = [failures[marker] ?? []].flat()[n];
      if (failure) throw failure;
      sends.push({ marker, target });
      return { ref: `teams-activity-${calls}` };
    },
  };
  return { deliverer, sends, calls: () => calls };
}

async function withTeamsAccount(key: string, tenantId = "tenant-1") {
  const person = await personByEmail(db.store, key);
  await db.store.people.ensureFromAccount(
    { platform: "teams", tenantId, userId: `aad-${key}`, displayName: person.displayName, email: person.email, conversationRef: "{}" },
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
  it("honours Retry-After on 429s, counted from the answer, without counting them as failed attempts", async () => {
    // Each in a tenant of their own: a 429 pauses the tenant too, and Maria's second
    // message must not wait for Johan's or Sara's (that would keep the drain open until theirs are due).
    const people = await Promise.all(["maria.svensson", "johan.berg", "sara.nilsson"].map((key) => withTeamsAccount(key, `tenant-${key}`)));
    const teams = testDeliverer({
      "message 1": new DeliveryError("rate_limited", "429 Too Many Requests", 5000),
      "message 2": new DeliveryError("rate_limited", "429 Too Many Requests", 8000),
    });
    t.app.deliverers.set("teams", teams.deliverer);
    await enqueue(6, people.map((p) => `person:${p.id}`));
    const worker = createOutboxWorker(t.app);

    // Johan's and Sara's second messages wait for their first (order per target).
    expect(await worker.drain(t0)).toEqual({ sent: 2, retried: 2, failed: 0 });
    const waiting = (await outboxRows(db.store)).filter((m) => m.status === "pending");
    expect(waiting.map((m) => [m.dedupeKey, m.attempts, m.rateLimited, m.lastError, m.leaseOwner])).toEqual([
      ["test:1", 0, 1, "rate_limited: 429 Too Many Requests", null],
      ["test:2", 0, 1, "rate_limited: 429 Too Many Requests", null],
      ["test:4", 0, 0, null, null],
      ["test:5", 0, 0, null, null],
    ]);
    // From the answer: at least the Retry-After after t0, and not much later.
    for (const [row, wait] of [[waiting[0]!, 5000], [waiting[1]!, 8000]] as const) {
      expect(row.availableAt.getTime()).toBeGreaterThanOrEqual(later(wait).getTime());
      expect(row.availableAt.getTime()).toBeLessThan(later(wait + 30_000).getTime());
    }
    expect(await worker.drain(later(4000))).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(await worker.drain(later(35_000))).toEqual({ sent: 4, retried: 0, failed: 0 });
    expect(markers(teams.sends)).toEqual(all(6));
    expect(teams.sends.every((s) => s.target.kind === "person" && s.target.account?.platform === "teams")).toBe(true);
    for (const person of people) {
      const mine = teams.sends.filter((s) => s.target.kind === "person" && s.target.person.id === person.id).map((s) => s.marker);
      expect(mine).toEqual([...mine].sort());
    }
    const rows = await outboxRows(db.store);
    expect(rows.every((m) => m.status === "sent" && m.sentRef?.startsWith("teams-activity-") && m.leaseOwner === null)).toBe(true);

    const metrics = await t.app.metrics.registry.metrics();
    expect(metrics).toContain('samordna_outbox_sent_total{platform="teams",kind="test.notice"} 6');
    expect(metrics).toContain('samordna_outbox_retried_total{platform="teams",reason="rate_limited"} 2');
    expect(metrics).toContain("samordna_outbox_pending_messages 0");
  });

  it("does not call a target that answers 429 again before its Retry-After, however long the drain", async () => {
    const people = await Promise.all(["maria.svensson", "johan.berg"].map((key) => withTeamsAccount(key)));
    const calls: { marker: string; at: number }[] = [];
    t.app.deliverers.set("teams", {
      platform: "teams",
      async deliver(_target, card) {
        const marker = markerOf(card);
        calls.push({ marker, at: performance.now() });
        if (marker === "message 0") throw new DeliveryError("rate_limited", "429", 1000);
        // Answered asynchronously, as a real send is; the drain's length comes from pacing, not from this.
        await new Promise((r) => setImmediate(r));
        return { ref: marker };
      },
    });
    // Maria's one message is always refused; Johan's 12 go one after another (same target).
    await db.store.outbox.enqueue({ dedupeKey: "limited", target: `person:${people[0]!.id}`, kind: "test.notice", payload: { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: "message 0" }] }, availableAt: t0 });
    for (let i = 1; i <= 12; i++) {
      await db.store.outbox.enqueue({ dedupeKey: `slow:${i}`, target: `person:${people[1]!.id}`, kind: "test.notice", payload: { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: `message ${i}` }] }, availableAt: t0 });
    }
    // Johan's conversation allows 7/s: the drain takes several seconds; Maria's message comes back each second at most.
    const result = await createOutboxWorker(t.app).drain(t0);
    expect(result.sent).toBe(12);
    const limited = calls.filter((c) => c.marker === "message 0").map((c) => c.at);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < limited.length; i++) expect(limited[i]! - limited[i - 1]!).toBeGreaterThanOrEqual(990);
    const [row] = (await outboxRows(db.store)).filter((m) => m.dedupeKey === "limited");
    expect([row!.status, row!.attempts, row!.rateLimited]).toEqual(["pending", 0, limited.length]);
  }, 30_000);

  it("retries 429s until OUTBOX_RETRY_HOURS after the first, then fails the message", async () => {
    t = clockedApp(db, { OUTBOX_RETRY_HOURS: "1" });
    const maria = await withTeamsAccount("maria.svensson");
    const limited: Deliverer = {
      platform: "teams",
      deliver: async () => {
        throw new DeliveryError("rate_limited", "429", 60 * 60_000);
      },
    };
    t.app.deliverers.set("teams", limited);
    await enqueue(1, [`person:${maria.id}`]);
    const worker = createOutboxWorker(t.app);
    const outcomes = [];
    for (const minutes of [0, 16, 32, 48, 64]) outcomes.push(await worker.drain(later(minutes * 60_000)));
    expect(outcomes).toEqual([...Array(4).fill({ sent: 0, retried: 1, failed: 0 }), { sent: 0, retried: 0, failed: 1 }]);
    const [row] = await outboxRows(db.store);
    expect([row!.status, row!.attempts, row!.rateLimited, row!.lastError]).toEqual(["failed", 1, 4, "gave up after 1 h of retries: rate_limited: 429"]);
  });

  it("moves the turn of a send that starts late, so the next one to its Slack channel still leaves a whole window after it", async () => {
    const sends: { marker: string; at: number }[] = [];
    t.app.deliverers.set("slack", {
      platform: "slack",
      async deliver(_target, card) {
        sends.push({ marker: markerOf(card), at: performance.now() });
        // The only send slot is busy this long: the other channel's first message starts late for its turn.
        if (sends.length === 1) await new Promise((r) => setTimeout(r, 300));
        return { ref: markerOf(card) };
      },
    });
    await enqueue(3, ["slack:CBUSY", "slack:CLATE", "slack:CLATE"]);
    expect(await createOutboxWorker(t.app, { concurrency: 1 }).drain(t0)).toEqual({ sent: 3, retried: 0, failed: 0 });
    const at = (marker: string) => sends.find((s) => s.marker === marker)!.at;
    expect(sends.map((s) => s.marker)).toEqual(["message 0", "message 1", "message 2"]);
    // Message 1 went as soon as the slot was free (its turn moved, no new turn a window later) ...
    expect(at("message 1") - at("message 0")).toBeGreaterThanOrEqual(290);
    expect(at("message 1") - at("message 0")).toBeLessThan(1000);
    // ... and message 2 counts its window from when message 1 left, not from its turn (which would be 300 ms short).
    expect(at("message 2") - at("message 1")).toBeGreaterThanOrEqual(1000 + WINDOW_MARGIN_MS - 5);
    const lateness = (await t.app.metrics.outboxTurnLateness.get()).values;
    const count = (le?: number) => lateness.find((v) => (v.metricName ?? "").endsWith(le === undefined ? "_count" : "_bucket") && (le === undefined || v.labels.le === le))!.value;
    expect(count() - count(0.045)).toBe(1);
  });

  it("refills a target that ran dry with its next message only, and none while one of its messages is held", async () => {
    const [maria, johan, sara] = await Promise.all(["maria.svensson", "johan.berg", "sara.nilsson"].map((key) => withTeamsAccount(key)));
    const to = (p: { id: number }) => `person:${p.id}`;
    // Queue order: Maria, Johan, Maria, Sara, Johan, Maria.
    await enqueue(6, [to(maria!), to(johan!), to(maria!), to(sara!), to(johan!), to(maria!)]);
    const refill = (refill: string[]) => db.store.outbox.claim({ owner: "worker-a", now: t0, leaseMs: 60_000, limit: 10, refill });
    expect((await refill([to(maria!), to(johan!)])).map((m) => m.dedupeKey)).toEqual(["test:0", "test:1"]);
    // Their first messages are held: nothing more of theirs; Sara was not asked for.
    expect(await refill([to(maria!), to(johan!)])).toEqual([]);
    expect(await db.store.outbox.markSent((await outboxRows(db.store)).find((m) => m.dedupeKey === "test:0")!.id, "worker-a", { at: t0, ref: "r" })).toBe(true);
    expect((await refill([to(maria!), to(johan!), to(sara!)])).map((m) => m.dedupeKey)).toEqual(["test:2", "test:3"]);
  });

  it("delivers exactly once, in order, when a worker crashes between claim and send (the lease expires)", async () => {
    const maria = await withTeamsAccount("maria.svensson");
    const johan = await withTeamsAccount("johan.berg");
    const teams = testDeliverer();
    t.app.deliverers.set("teams", teams.deliverer);
    await enqueue(5, [`person:${maria.id}`]);
    await db.store.outbox.enqueue({ dedupeKey: "other", target: `person:${johan.id}`, kind: "test.notice", payload: { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: "message 5" }] }, availableAt: t0 });

    // Worker A claims three of Maria's messages and dies before sending them.
    const claimedByA = await db.store.outbox.claim({ owner: "worker-a", now: t0, leaseMs: 60_000, limit: 3 });
    expect(claimedByA.map((m) => m.dedupeKey)).toEqual(["test:0", "test:1", "test:2"]);

    // Maria's later messages wait for the ones A holds; Johan's goes.
    const b = createOutboxWorker(t.app, { owner: "worker-b" });
    expect(await b.drain(later(10_000))).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(await b.drain(later(59_000))).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(await b.drain(later(61_000))).toEqual({ sent: 5, retried: 0, failed: 0 });
    expect(teams.sends.map((s) => s.marker)).toEqual(["message 5", ...all(5)]);
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

  it("retries transient errors with jittered backoff, fails permanent ones, and stops using an unreachable account", async () => {
    const [maria, johan, sara] = await Promise.all(["maria.svensson", "johan.berg", "sara.nilsson"].map((key) => withTeamsAccount(key)));
    const teams = testDeliverer({
      "message 0": new DeliveryError("unreachable", "403 the bot was removed"),
      "message 1": new DeliveryError("permanent", "400 Bad Request: card too large"),
      "message 2": new DeliveryError("transient", "502 Bad Gateway"),
    });
    t.app.deliverers.set("teams", teams.deliverer);
    await enqueue(3, [`person:${maria!.id}`, `person:${johan!.id}`, `person:${sara!.id}`]);
    const worker = createOutboxWorker(t.app, { random: () => 0 });

    expect(await worker.drain(t0)).toEqual({ sent: 0, retried: 1, failed: 2 });
    const rows = await outboxRows(db.store);
    expect(rows.map((m) => [m.dedupeKey, m.status, m.attempts, m.lastError])).toEqual([
      ["test:0", "failed", 1, "unreachable: 403 the bot was removed"],
      ["test:1", "failed", 1, "permanent: 400 Bad Request: card too large"],
      ["test:2", "pending", 1, "transient: 502 Bad Gateway"],
    ]);
    // The first backoff is 10 s, jittered down to half of it at the least.
    expect(rows[2]!.availableAt.getTime()).toBeGreaterThanOrEqual(later(5_000).getTime());
    expect(rows[2]!.availableAt.getTime()).toBeLessThan(later(10_000).getTime());
    const [account] = await db.store.people.accountsOf(maria!.id);
    expect(account!.unreachableAt).not.toBeNull();
    expect(await worker.drain(later(11_000))).toEqual({ sent: 1, retried: 0, failed: 0 });
    // Maria's Teams account is unreachable now: her next message goes to her web chat inbox.
    await db.store.outbox.enqueue({ dedupeKey: "after", target: `person:${maria!.id}`, kind: "test.notice", payload: { type: "AdaptiveCard", version: "1.5", body: [] }, availableAt: t0 });
    expect(await worker.drain(later(12_000))).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(await db.store.webChat.since(maria!.id, 0)).toHaveLength(1);
    const metrics = await t.app.metrics.registry.metrics();
    expect(metrics).toContain('samordna_outbox_failed_total{platform="teams",reason="permanent"} 1');
    expect(metrics).toContain('samordna_outbox_retried_total{platform="teams",reason="transient"} 1');
  });

  it("retries transient errors until OUTBOX_RETRY_HOURS, and waits when the target's platform has no deliverer here", async () => {
    t = clockedApp(db, { OUTBOX_RETRY_HOURS: "1" });
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
    const worker = createOutboxWorker(t.app);
    let now = t0;
    const outcomes = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push(await worker.drain(now));
      now = new Date(now.getTime() + 31 * 60_000);
    }
    expect(outcomes.map((o) => o.failed)).toEqual([0, 0, 1, 0]);
    const rows = await outboxRows(db.store);
    expect(rows.map((m) => [m.dedupeKey, m.status, m.attempts, m.lastError])).toEqual([
      ["test:0", "failed", 3, "gave up after 1 h of retries: transient: socket hang up"],
      ["channel", "pending", 0, "no slack deliverer in this process"],
    ]);
  });

  it("sends targets in parallel but each target's messages in queue order", async () => {
    const people = await Promise.all(["maria.svensson", "johan.berg", "sara.nilsson"].map((key) => withTeamsAccount(key)));
    const teams = testDeliverer();
    t.app.deliverers.set("teams", teams.deliverer);
    await enqueue(30, people.map((p) => `person:${p.id}`));
    expect(await createOutboxWorker(t.app, { concurrency: 3 }).drain(t0)).toEqual({ sent: 30, retried: 0, failed: 0 });
    expect(teams.sends).toHaveLength(30);
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
    let enter!: () => void;
    const entered = new Promise<void>((resolve) => (enter = resolve));
    t.app.deliverers.set("teams", {
      platform: "teams",
      async deliver(_target, card) {
        enter();
        await gate;
        sends.push(markerOf(card));
        return { ref: `teams-activity-${sends.length}` };
      },
    });
    await enqueue(5, [`person:${maria.id}`]);
    const worker = createOutboxWorker(t.app, { owner: "stopping" });
    const draining = worker.drain(t0);
    await entered;
    worker.stop();
    // The rest is given back; the send in flight keeps its lease: it may still complete.
    expect(await worker.release()).toBe(4);
    expect((await outboxRows(db.store)).map((m) => m.leaseOwner)).toEqual(["stopping", null, null, null, null]);
    release();
    expect(await draining).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(sends).toEqual(["message 0"]);
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
