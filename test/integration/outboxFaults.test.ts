// The outbox through the real Teams (CloudAdapter) and Slack (WebClient)
// deliverers, against stand-ins that fault like the real services: strict
// sliding-window limits, a 10-minute outage (fake clock), bursts of 5xx and
// 412, 401 for an expired secret, 403 for a blocked bot, and a connection
// that never answers. Every message arrives once, in order per target, and
// no key gets more than its limit.
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { createTeamsAdapter } from "../../src/bots/teams/adapter.ts";
import { createTeamsDeliverer } from "../../src/bots/teams/proactive.ts";
import { createDeliveryClient, createSlackDeliverer } from "../../src/bots/slack/deliver.ts";
import { createOutboxWorker } from "../../src/jobs/outbox.ts";
import { createMemoryLimiter, PLATFORM_LIMITS } from "../../src/jobs/pacing.ts";
import { createTestDb, type TestDb } from "../helpers/db.ts";
import { clockedApp, outboxRows, type ClockedApp } from "../helpers/jobs.ts";
import { startBotConnector, type BotConnector } from "../helpers/botConnector.ts";
import { startSlackApi, TEAM_ID, type SlackApiStandIn } from "../helpers/slackApi.ts";
import { BOT } from "../helpers/teams.ts";

let db: TestDb;
let t: ClockedApp;
let connector: BotConnector;
let slack: SlackApiStandIn;
const t0 = new Date("2026-03-30T07:00:00Z");
const later = (ms: number) => new Date(t0.getTime() + ms);
const MARKER = /fault:\d+/;
/**
 * The stand-ins count a request when it arrives, the limiter when it starts;
 * on a loaded CI machine the two differ by more than the production margin
 * (60 ms, where an occasional 429 is retried), so tests that demand no 429 at all use more.
 */
const strictLimiter = () => createMemoryLimiter({ marginMs: 300 });

beforeEach(async () => {
  db = await createTestDb();
  t = clockedApp(db);
  connector = await startBotConnector();
  slack = await startSlackApi();
  t.app.deliverers.set("teams", createTeamsDeliverer({ adapter: createTeamsAdapter(t.app.config, t.app.log, { connectorRetries: false }), app: t.app }));
  t.app.deliverers.set("slack", createSlackDeliverer({ store: db.store, client: createDeliveryClient("xoxb-test", slack.url), defaultLocale: "sv" }));
});
afterEach(async () => {
  await connector.close();
  await slack.close();
  await db.cleanup();
});

/** People with a Teams 1:1 chat at the stand-in; returns their ids and conversation ids. */
/** Resolves `next()` at each lease renewal the store writes from now on (the worker renews on a timer). */
function renewals(store: TestDb["store"]): { next(): Promise<void> } {
  const original = store.outbox.renew;
  let waiting: (() => void)[] = [];
  store.outbox.renew = async (...args) => {
    const count = await original(...args);
    for (const resolve of waiting.splice(0)) resolve();
    return count;
  };
  onTestFinished(() => {
    store.outbox.renew = original;
    waiting = [];
  });
  return { next: () => new Promise<void>((resolve) => waiting.push(resolve)) };
}

async function teamsPeople(count: number, tenant = "tenant-faults"): Promise<{ id: number; conversation: string }[]> {
  const people = [];
  for (let i = 0; i < count; i++) {
    const conversation = `a:fault-${tenant}-${i}`;
    const ref = { channelId: "msteams", serviceUrl: connector.url, tenantId: tenant, bot: BOT, user: { id: `29:fault-${i}`, name: `Fault ${i}` }, conversation: { id: conversation, conversationType: "personal", isGroup: false, tenantId: tenant } };
    const person = await db.store.db.person.create({
      data: { displayName: `Fault ${tenant} ${i}`, email: `fault.${tenant}.${i}@stockholm.example`, accounts: { create: { platform: "teams", tenantId: tenant, userId: `29:fault-${i}`, conversationRef: JSON.stringify(ref) } } },
    });
    people.push({ id: person.id, conversation });
  }
  return people;
}

let n = 0;
/** Queues one message per target, in this order; each card carries its marker "fault:N". */
async function enqueue(targets: string[]): Promise<string[]> {
  const markers = [];
  for (const target of targets) {
    const marker = `fault:${n++}`;
    await db.store.outbox.enqueue({ dedupeKey: marker, target, kind: "fault.notice", payload: { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: marker }] }, availableAt: t0 });
    markers.push(marker);
  }
  return markers;
}

/** The markers a Teams conversation received (answered 2xx), in arrival order. */
const teamsOrder = (conversation: string) =>
  connector.calls.filter((c) => c.kind === "send" && c.conversationId === conversation && c.status === 201).map((c) => MARKER.exec(JSON.stringify(c.body))![0]);

const metric = async (line: string) => (await t.app.metrics.registry.metrics()).split("\n").find((l) => l.startsWith(line));

describe("outbox delivery through faults", () => {
  it("loses nothing through a 10-minute Teams outage, and then delivers each message once, in order per person", async () => {
    const people = await teamsPeople(4);
    const queued = await enqueue(Array.from({ length: 20 }, (_, i) => `person:${people[i % 4]!.id}`));
    connector.outage = { status: 503 };
    const worker = createOutboxWorker(t.app);
    for (let s = 0; s <= 30 * 60; s += 60) {
      if (s >= 10 * 60) connector.outage = null;
      await worker.drain(later(s * 1000));
    }
    const rows = await outboxRows(db.store);
    expect(rows.map((r) => r.status)).toEqual(Array(20).fill("sent"));
    // The first message to each person met the outage several times; the rest waited behind it.
    expect(rows.slice(0, 4).every((r) => r.attempts > 3)).toBe(true);
    const delivered = connector.delivered(MARKER);
    expect([...delivered.keys()].sort()).toEqual([...queued].sort());
    expect([...delivered.values()].every((c) => c === 1)).toBe(true);
    for (const [i, p] of people.entries()) expect(teamsOrder(p.conversation)).toEqual(queued.filter((_, k) => k % 4 === i));
  });

  it("retries a burst of 502s and a 412, in order per conversation", async () => {
    connector.roundTripMs = [20, 60];
    const people = await teamsPeople(2);
    // 14 to the first conversation, then 5 to the second.
    const queued = await enqueue([...Array(14).fill(`person:${people[0]!.id}`), ...Array(5).fill(`person:${people[1]!.id}`)]);
    connector.failNext(3, { status: 502 });
    connector.failNext(1, { status: 412 });
    const worker = createOutboxWorker(t.app, { random: () => 0 });
    for (let s = 0; s <= 120; s += 10) await worker.drain(later(s * 1000));
    const rows = await outboxRows(db.store);
    expect(rows.map((r) => r.status)).toEqual(Array(19).fill("sent"));
    expect(rows.reduce((n, r) => n + r.attempts, 0)).toBe(19 + 4);
    expect(teamsOrder(people[0]!.conversation)).toEqual(queued.slice(0, 14));
    expect(teamsOrder(people[1]!.conversation)).toEqual(queued.slice(14));
  });

  it("does not let one paced conversation hold up another, and keeps every conversation and tenant under its limits", async () => {
    connector.limits = { tenant: PLATFORM_LIMITS.teamsTenant, conversation: PLATFORM_LIMITS.teamsConversation };
    connector.roundTripMs = [20, 60];
    const people = await teamsPeople(2);
    const queued = await enqueue([...Array(14).fill(`person:${people[0]!.id}`), ...Array(5).fill(`person:${people[1]!.id}`)]);
    expect(await createOutboxWorker(t.app, { limiter: strictLimiter() }).drain(t0)).toMatchObject({ failed: 0 });
    const arrivals = connector.calls.filter((c) => c.status === 201).map((c) => MARKER.exec(JSON.stringify(c.body))![0]);
    // The first conversation may have 7 in its first second (8 in two): the second's five go before its 9th.
    expect(arrivals.indexOf(queued[14 + 4]!)).toBeLessThan(arrivals.indexOf(queued[8]!));
    expect(connector.refused()).toBe(0);
  }, 30_000);

  it("pauses Teams delivery on 401 (an expired secret) without losing anything, and resumes when a probe succeeds", async () => {
    const people = await teamsPeople(3);
    await enqueue(people.flatMap((p) => [`person:${p.id}`, `person:${p.id}`]));
    // An admin who is on Slack too hears of it there.
    const [admin] = await db.store.people.withRole("admin");
    await db.store.people.ensureFromAccount({ platform: "slack", tenantId: TEAM_ID, userId: "UADMIN", displayName: admin!.displayName, email: admin!.email }, { locale: "en" });
    connector.outage = { status: 401 };
    const worker = createOutboxWorker(t.app);
    expect(await worker.drain(t0)).toMatchObject({ failed: 0 });
    expect(await metric('samordna_outbox_channel_paused{platform="teams"}')).toBe('samordna_outbox_channel_paused{platform="teams"} 1');
    let rows = (await outboxRows(db.store)).filter((r) => r.kind === "fault.notice");
    expect(rows.every((r) => r.status === "pending" && r.attempts === 0)).toBe(true);
    expect(rows[0]!.lastError).toMatch(/^paused: Teams: 401/);
    const told = slack.calls.filter((c) => c.method === "chat.postMessage" && c.body.channel === "DUADMIN");
    expect(told).toHaveLength(1);
    expect(JSON.stringify(told[0]!.body)).toMatch(/Microsoft Teams.*Teams: 401/);

    // Still failing at the first probe: one call, and the pause doubles.
    const before = connector.calls.length;
    expect(await worker.drain(later(31_000))).toMatchObject({ sent: 0, failed: 0 });
    expect(connector.calls.length).toBe(before + 1);
    expect(await worker.drain(later(62_000))).toMatchObject({ sent: 0 });
    expect(connector.calls.length).toBe(before + 1);

    connector.outage = null;
    for (const s of [95, 100, 110]) await worker.drain(later(s * 1000));
    rows = (await outboxRows(db.store)).filter((r) => r.kind === "fault.notice");
    expect(rows.map((r) => r.status)).toEqual(Array(6).fill("sent"));
    expect(await metric('samordna_outbox_channel_paused{platform="teams"}')).toBe('samordna_outbox_channel_paused{platform="teams"} 0');
  });

  it("fails the message and marks the person unreachable when the bot is blocked, but pauses when the app is disabled tenant-wide", async () => {
    const [blocked, other] = await teamsPeople(2);
    connector.failures.set(blocked!.conversation, { status: 403, code: "ConversationBlockedByUser" });
    await enqueue([`person:${blocked!.id}`, `person:${other!.id}`]);
    const worker = createOutboxWorker(t.app);
    expect(await worker.drain(t0)).toEqual({ sent: 1, retried: 0, failed: 1 });
    const [account] = await db.store.people.accountsOf(blocked!.id);
    expect(account!.unreachableAt).not.toBeNull();
    expect((await outboxRows(db.store))[0]!.lastError).toMatch(/^unreachable: Teams: 403 ConversationBlockedByUser/);

    connector.failures.set(other!.conversation, { status: 403, code: "BotDisabledByAdmin" });
    await enqueue([`person:${other!.id}`]);
    expect(await worker.drain(later(1000))).toMatchObject({ failed: 0 });
    expect((await outboxRows(db.store))[2]!.status).toBe("pending");
    expect((await db.store.people.accountsOf(other!.id))[0]!.unreachableAt).toBeNull();
    expect(await metric('samordna_outbox_channel_paused{platform="teams"}')).toBe('samordna_outbox_channel_paused{platform="teams"} 1');
  });

  it("times a stalled send out inside the lease, keeps the lease while a slow send is in flight, and delivers once", async () => {
    const [stalled, slow] = await teamsPeople(2);
    connector.stalled.add(stalled!.conversation);
    await enqueue([`person:${stalled!.id}`]);
    const worker = createOutboxWorker(t.app, { leaseMs: 1500, sendTimeoutMs: 400, random: () => 0 });
    expect(await worker.drain(t0)).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect((await outboxRows(db.store))[0]!.lastError).toMatch(/timeout/);

    // A send still in flight when its lease would lapse: the lease is renewed, nobody else claims it.
    connector.stalled.clear();
    const inFlight = connector.hold(slow!.conversation);
    await enqueue([`person:${slow!.id}`]);
    const renewed = renewals(db.store);
    const slowWorker = createOutboxWorker(t.app, { leaseMs: 1000, sendTimeoutMs: 5000 });
    const draining = slowWorker.drain(later(60_000));
    await inFlight.arrived;
    const leaseOf = async () => (await outboxRows(db.store)).find((r) => r.target === `person:${slow!.id}`)!.leaseUntil!.getTime();
    // The lease as it stood when the send went out; wait (on renewals, not on time) until the worker has extended it.
    const lapses = await leaseOf();
    while ((await leaseOf()) <= lapses) await renewed.next();
    expect(await db.store.outbox.claim({ owner: "intruder", now: new Date(lapses + 1), leaseMs: 1000, limit: 10 })).toEqual([]);
    inFlight.release();
    expect(await draining).toMatchObject({ sent: 2 });
    const delivered = connector.delivered(MARKER);
    expect([...delivered.values()]).toEqual([1, 1]);
  }, 20_000);

  it("keeps every Slack channel at one message a second without one busy DM holding up the others", async () => {
    slack.limits = { channel: PLATFORM_LIMITS.slackChannel };
    slack.roundTripMs = [20, 60];
    const person = await db.store.people.ensureFromAccount({ platform: "slack", tenantId: TEAM_ID, userId: "UBUSY", displayName: "Busy", email: "busy@stockholm.example" }, { locale: "sv" });
    const dm = await enqueue(Array(4).fill(`person:${person.id}`));
    const channels = await enqueue(["slack:C1", "slack:C2", "slack:C3", "slack:C1"]);
    expect(await createOutboxWorker(t.app, { limiter: strictLimiter() }).drain(t0)).toEqual({ sent: 8, retried: 0, failed: 0 });
    const arrivals = slack.calls.filter((c) => c.method === "chat.postMessage" && c.ok).map((c) => MARKER.exec(JSON.stringify(c.body))![0]);
    expect(arrivals.filter((m) => dm.includes(m))).toEqual(dm);
    for (const m of channels.slice(0, 3)) expect(arrivals.indexOf(m)).toBeLessThan(arrivals.indexOf(dm[1]!));
    expect(slack.refused()).toBe(0);
  }, 20_000);

  it("pauses Slack delivery on invalid_auth and resumes once a probe gets through", async () => {
    await enqueue(["slack:C1", "slack:C2"]);
    slack.outage = { error: "invalid_auth" };
    const worker = createOutboxWorker(t.app);
    expect(await worker.drain(t0)).toMatchObject({ failed: 0 });
    expect(await metric('samordna_outbox_channel_paused{platform="slack"}')).toBe('samordna_outbox_channel_paused{platform="slack"} 1');
    slack.outage = null;
    await worker.drain(later(31_000));
    await worker.drain(later(33_000));
    // The admins heard of it where they can be reached (here: the web chat).
    expect((await outboxRows(db.store)).filter((r) => r.kind === "outbox.paused").map((r) => r.status)).toContain("sent");
    expect((await outboxRows(db.store)).filter((r) => r.kind === "fault.notice").map((r) => r.status)).toEqual(["sent", "sent"]);
    expect(await metric('samordna_outbox_channel_paused{platform="slack"}')).toBe('samordna_outbox_channel_paused{platform="slack"} 0');
  });
});
