// The learning log for initiatives: asked on the owner's cadence (default
// every 3 months, the owner may change it in chat) and when one ends; form
// errors keep the input and store nothing. Through the core router and the
// `lessons` job on a real database, with the clock the test moves (starting
// at the real time: the store stamps changes with the database's clock).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, personByEmail, type TestDb } from "../helpers/db.ts";
import { clockedApp, type ClockedApp } from "../helpers/jobs.ts";
import { cardText } from "../helpers/server.ts";

const DAY = 86_400_000;
const START = Date.now();
const at = (days: number, hours = 0) => new Date(START + days * DAY + hours * 3_600_000).toISOString();

let db: TestDb;
let t: ClockedApp;
beforeAll(async () => {
  db = await createTestDb();
  t = clockedApp(db);
});
afterAll(async () => {
  await db.cleanup();
});

const asked = (summary: string) => Number(/^asked (\d+)/.exec(summary)![1]);

describe("lessons of initiatives", () => {
  it("asks on the cadence the owner sets and when the initiative ends, once each", async () => {
    const karin = await personByEmail(db.store, "karin.ek");
    const lars = await personByEmail(db.store, "lars.andersson");
    // The demo's own initiatives have no owner here, so only the two below are asked about.
    await db.store.db.initiative.updateMany({ data: { ownerId: null } });
    const created = new Date(START - 100 * DAY);
    const [l, m] = await Promise.all(
      ["I-LESSON-1", "I-LESSON-2"].map((code) => db.store.db.initiative.create({ data: { code, title: `Initiative ${code}`, ownerId: karin.id, createdAt: created } })),
    );
    // Created 100 days ago with the default of 3 months: both are due now, once.
    expect(asked(await t.tick("lessons", at(0)))).toBe(2);
    expect(asked(await t.tick("lessons", at(0, 1)))).toBe(0);
    const first = await db.store.db.lesson.findMany({ orderBy: { id: "asc" } });
    expect(first.map((x) => [x.initiativeId, x.occasion, x.ownerId])).toEqual([
      [l!.id, "initiative_cadence", karin.id],
      [m!.id, "initiative_cadence", karin.id],
    ]);
    expect(first[0]!.occasionKey).toMatch(new RegExp(`^init:${l!.id}:\\d{4}-\\d{2}-\\d{2}$`));

    // Only an owner sets the cadence, within 1 to 24 months.
    expect(cardText((await t.say(lars.id, "lessons every 2 months")).cards[0])).toContain("Bara ägaren av ett initiativ");
    expect(cardText((await t.say(karin.id, "lärdomar var 99 månad")).cards[0])).toContain("1 till 24 månader");
    const set = await t.say(karin.id, "lärdomar var 6 månad");
    expect(cardText(set.cards[0])).toContain("var 6:e månad för I-LESSON-1, I-LESSON-2");

    // One ends: its owner is asked about it at once.
    await db.store.db.initiative.update({ where: { id: l!.id }, data: { active: false } });
    expect(asked(await t.tick("lessons", at(0, 2)))).toBe(1);
    expect(asked(await t.tick("lessons", at(0, 3)))).toBe(0);
    expect((await db.store.db.lesson.findFirstOrThrow({ where: { occasionKey: `init:${l!.id}:end` } })).occasion).toBe("initiative_end");

    // Every 6 months now: nothing after 3, the next question after 6 (not for the ended one).
    expect(asked(await t.tick("lessons", at(95)))).toBe(0);
    expect(asked(await t.tick("lessons", at(185)))).toBe(1);
    expect(asked(await t.tick("lessons", at(186)))).toBe(0);
    const latest = await db.store.db.lesson.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect([latest.initiativeId, latest.occasion]).toEqual([m!.id, "initiative_cadence"]);
    // Four questions to Karin, each with one outbox message.
    const messages = await db.store.db.outboxMessage.findMany({ where: { kind: "lesson.question" } });
    expect(messages.map((x) => x.target)).toEqual(Array(4).fill(`person:${karin.id}`));
  });

  it("keeps the input of an invalid answer and stores nothing", async () => {
    const karin = await personByEmail(db.store, "karin.ek");
    const lesson = await db.store.db.lesson.findFirstOrThrow({ where: { answeredAt: null, ownerId: karin.id } });
    const tooLong = await t.click(karin.id, "lesson.submit", { lessonId: lesson.id, worked: "w".repeat(2001), didNotWork: "Kept this", shareable: "true" });
    expect(tooLong.fieldErrors).toEqual({ worked: "Högst 2000 tecken." });
    expect(cardText(tooLong.replace)).toContain("Kept this");
    expect((await db.store.db.lesson.findUniqueOrThrow({ where: { id: lesson.id } })).answeredAt).toBeNull();
    const unknown = await t.click(karin.id, "lesson.submit", { lessonId: 999_999, worked: "x" });
    expect(cardText(unknown.cards[0])).toContain("Det gick inte att hitta");
  });
});
