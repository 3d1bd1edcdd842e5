// Dead letters an operator can see and retry (`outbox list|retry|stats`), and
// the retention job that prunes old payloads and job runs.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli.ts";
import { DeliveryError } from "../../src/bots/delivery.ts";
import { createOutboxWorker } from "../../src/jobs/outbox.ts";
import { PRUNED } from "../../src/store/outbox.ts";
import { digestText } from "../../src/cards/digestCard.ts";
import { cardContext } from "../../src/cards/context.ts";
import { createTestDb, personByEmail, type TestDb } from "../helpers/db.ts";
import { clockedApp, outboxRows } from "../helpers/jobs.ts";

let db: TestDb;
const t0 = new Date("2026-03-30T07:00:00Z");

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

beforeEach(async () => {
  db = await createTestDb();
  process.env.DATABASE_URL = db.url;
  process.env.LOG_LEVEL = "silent";
});
afterEach(async () => {
  delete process.env.DATABASE_URL;
  delete process.env.LOG_LEVEL;
  await db.cleanup();
});

const card = (text: string) => ({ type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text }] });

describe("outbox CLI", () => {
  it("lists failed messages by person, retries them, and the worker then delivers them", async () => {
    const maria = await personByEmail(db.store, "maria.svensson");
    const johan = await personByEmail(db.store, "johan.berg");
    await db.store.people.ensureFromAccount({ platform: "teams", tenantId: "t1", userId: "aad-maria", displayName: maria.displayName, email: maria.email, conversationRef: "{}" }, { locale: "sv" });
    for (const [i, p] of [maria, johan, maria].entries()) {
      await db.store.outbox.enqueue({ dedupeKey: `cli:${i}`, target: `person:${p.id}`, kind: "test.notice", payload: card(`message ${i}`), availableAt: t0 });
    }
    const t = clockedApp(db);
    let broken = true;
    const sent: string[] = [];
    t.app.deliverers.set("teams", {
      platform: "teams",
      async deliver(_target, c) {
        if (broken) throw new DeliveryError("permanent", "400 card rejected");
        sent.push(String((c.body[0] as unknown as { text: string }).text));
        return { ref: "ok" };
      },
    });
    // Maria's two fail (Teams refuses the card); Johan has no chat account: his goes to the web chat.
    expect(await createOutboxWorker(t.app).drain(t0)).toEqual({ sent: 1, retried: 0, failed: 2 });

    const failed = await cli("outbox", "list", "--status", "failed", "--to", maria.email!);
    expect(failed.code).toBe(0);
    expect(failed.out.match(/^#\d+ failed test.notice to person:\d+/gm)).toHaveLength(2);
    expect(failed.out).toContain("permanent: 400 card rejected");
    expect((await cli("outbox", "list", "--to", johan.email!)).out).toMatch(/^#\d+ sent test.notice/m);

    const stats = await cli("outbox", "stats");
    expect(stats.out).toContain("By status: pending 0, failed 2, sent 1");
    expect(stats.out).toContain("Oldest pending: none");

    const [first] = (await outboxRows(db.store)).filter((r) => r.status === "failed");
    expect(await cli("outbox", "retry", String(first!.id))).toMatchObject({ code: 0, out: "1 failed message(s) queued again." });
    expect(await cli("outbox", "retry", "--failed")).toMatchObject({ code: 0, out: "1 failed message(s) queued again." });
    expect((await cli("outbox", "stats")).out).toMatch(/By status: pending 2, failed 0, sent 1\nPending by platform: teams 2\nPending by target \(most first\): person:\d+ 2/);

    broken = false;
    expect(await createOutboxWorker(t.app).drain(new Date())).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(sent).toEqual(["message 0", "message 2"]);
  });

  it("refuses bad arguments with a usage line and changes nothing", async () => {
    expect(await cli("outbox", "list", "--status", "lost")).toMatchObject({ code: 2, err: expect.stringContaining("Usage: outbox list") });
    expect(await cli("outbox", "list", "--to")).toMatchObject({ code: 2, err: expect.stringContaining("--to needs a value") });
    expect(await cli("outbox", "list", "--to", "nobody@example.org")).toMatchObject({ code: 1, err: "No person with e-mail nobody@example.org" });
    expect(await cli("outbox", "retry")).toMatchObject({ code: 2 });
    expect(await cli("outbox", "retry", "12", "--failed")).toMatchObject({ code: 2 });
    expect(await cli("outbox", "retry", "999")).toMatchObject({ code: 1, out: "0 failed message(s) queued again." });
    expect(await cli("outbox", "purge")).toMatchObject({ code: 2 });
  });
});

describe("the coordinators' digest", () => {
  it("says how many messages could not be delivered since the last digest and who cannot be reached, in Swedish and English", async () => {
    const t = clockedApp(db);
    const maria = await personByEmail(db.store, "maria.svensson");
    await db.store.people.ensureFromAccount({ platform: "slack", tenantId: "T1", userId: "UMARIA", displayName: maria.displayName, email: maria.email }, { locale: "sv" });
    const [account] = await db.store.people.accountsOf(maria.id);
    await db.store.people.markUnreachable(account!.id, t0);
    const from = new Date("2026-03-23T07:00:00Z");
    await db.store.db.outboxMessage.createMany({
      data: [
        { dedupeKey: "in-period", target: `person:${maria.id}`, kind: "test.notice", payload: "{}", status: "failed", lastAttemptAt: new Date("2026-03-25T07:00:00Z") },
        { dedupeKey: "before", target: `person:${maria.id}`, kind: "test.notice", payload: "{}", status: "failed", lastAttemptAt: new Date("2026-03-20T07:00:00Z") },
      ],
    });
    const data = await t.app.digests.build({ from, to: t0, key: "test" });
    expect(data.delivery).toEqual({ failed: 1, unreachable: [maria.displayName] });
    expect(digestText(cardContext("en", "Europe/Stockholm"), data)).toContain(`Not delivered: 1 messages since the last digest · cannot be reached: ${maria.displayName}`);
    expect(digestText(cardContext("sv", "Europe/Stockholm"), data)).toContain(`Inte levererat: 1 meddelanden sedan förra sammanfattningen · kan inte nås: ${maria.displayName}`);
    // Nothing to report: no line.
    await db.store.people.setConversationRef(account!.id, "DMARIA");
    const quiet = await t.app.digests.build({ from: t0, to: new Date("2026-03-31T07:00:00Z"), key: "test-2" });
    expect(digestText(cardContext("en", "Europe/Stockholm"), quiet)).not.toContain("Not delivered");
  });
});

describe("retention job", () => {
  it("blanks sent payloads after OUTBOX_RETENTION_DAYS and failed ones 90 days after their last attempt, and deletes old job runs and unused rate-limit keys", async () => {
    const day = 86_400_000;
    const now = new Date("2026-06-30T03:40:00Z");
    const ago = (days: number) => new Date(now.getTime() - days * day);
    const rows = [
      { dedupeKey: "sent-old", status: "sent", sentAt: ago(31), lastAttemptAt: ago(31) },
      { dedupeKey: "sent-new", status: "sent", sentAt: ago(29), lastAttemptAt: ago(29) },
      { dedupeKey: "failed-old", status: "failed", lastAttemptAt: ago(91) },
      { dedupeKey: "failed-new", status: "failed", lastAttemptAt: ago(31) },
      { dedupeKey: "pending-old", status: "pending", lastAttemptAt: ago(200) },
    ];
    await db.store.db.outboxMessage.createMany({ data: rows.map((r) => ({ ...r, target: "person:1", kind: "test.notice", payload: JSON.stringify(card(r.dedupeKey)), createdAt: ago(300), availableAt: ago(300) })) });
    await db.store.db.jobRun.createMany({ data: [{ job: "digest", slot: "old", owner: "x", startedAt: ago(31) }, { job: "digest", slot: "new", owner: "x", startedAt: ago(29) }] });
    // The shared rate limiter's rows: one unused for three hours, one used an hour ago.
    const hour = 3_600_000;
    await db.store.db.rateLimitKey.createMany({ data: [{ key: "teams:tenant:old", lastAt: now.getTime() - 3 * hour }, { key: "teams:tenant:recent", lastAt: now.getTime() - hour }] });

    const t = clockedApp(db, { OUTBOX_RETENTION_DAYS: "30" });
    expect(await t.tick("retention", now.toISOString())).toBe("1 sent and 1 failed payloads pruned, 1 job runs deleted");
    const after = await outboxRows(db.store);
    expect(after.map((r) => [r.dedupeKey, r.payload === PRUNED])).toEqual([
      ["sent-old", true],
      ["sent-new", false],
      ["failed-old", true],
      ["failed-new", false],
      ["pending-old", false],
    ]);
    // The rows (and their dedupe keys) stay; a pruned failed message cannot be retried.
    expect(await db.store.outbox.enqueue({ dedupeKey: "sent-old", target: "person:1", kind: "test.notice", payload: {} })).toBe(false);
    expect(await db.store.outbox.retryFailed({ all: true }, now)).toBe(1);
    expect((await db.store.db.jobRun.findMany({ where: { job: "digest" } })).map((r) => r.slot)).toEqual(["new"]);
    expect((await db.store.db.rateLimitKey.findMany()).map((r) => r.key)).toEqual(["teams:tenant:recent"]);
    // A second run finds nothing more to do (the run itself adds a job run row).
    expect(await t.tick("retention", now.toISOString())).toBe("0 sent and 0 failed payloads pruned, 0 job runs deleted");
  });
});
