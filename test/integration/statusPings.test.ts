// Status pings, reminders and escalation against a real database with a fixed
// clock: what the jobs store and queue, tick by tick.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, personByEmail, type TestDb } from "../helpers/db.ts";
import { clockedApp, onlyPing, outboxRows, requestRows, type ClockedApp } from "../helpers/jobs.ts";
import { cardText, findAction } from "../helpers/server.ts";

let db: TestDb;
let t: ClockedApp;
beforeEach(async () => {
  db = await createTestDb();
  t = clockedApp(db);
});
afterEach(async () => {
  await db.cleanup();
});

const at = (iso: string) => new Date(iso);
const person = (key: string) => personByEmail(db.store, key);

describe("status-pings job", () => {
  it("asks each lead once per period of the default cadence (every second Monday 09:00)", async () => {
    expect(await t.tick("status-pings", "2026-03-16T08:00:00Z")).toBe("asked 5, 0 waiting (away), 0 invalid cadence(s)");
    const maria = await person("maria.svensson");
    let requests = await requestRows(db.store);
    expect(requests.map((r) => [r.workPackage?.code, r.periodKey])).toEqual(["WP1", "WP2", "WP3", "WP4", "WP5"].map((c) => [c, "2026-03-16T09:00"]));
    let messages = await outboxRows(db.store);
    expect(messages).toHaveLength(5);
    const first = messages.find((m) => m.target === `person:${maria.id}`)!;
    expect(first.kind).toBe("status.ping");
    expect(cardText(JSON.parse(first.payload))).toContain("Läget för WP1 Styrning");
    expect(cardText(JSON.parse(messages.find((m) => m.target.endsWith(`:${(requests[4]!.recipientId)}`))!.payload))).toContain("Status for WP5");

    // Repeated ticks, the off week and the minute before the next period change nothing.
    for (const iso of ["2026-03-16T08:00:00Z", "2026-03-16T08:05:00Z", "2026-03-23T08:00:00Z", "2026-03-30T06:59:00Z"]) {
      expect(await t.tick("status-pings", iso)).toMatch(/^asked 0/);
    }
    expect(await outboxRows(db.store)).toHaveLength(5);

    await t.tick("status-pings", "2026-03-30T07:00:00Z");
    requests = await requestRows(db.store);
    expect(requests).toHaveLength(10);
    expect(requests.slice(0, 5).every((r) => r.closedAt?.toISOString() === "2026-03-30T07:00:00.000Z")).toBe(true);
    expect(requests.slice(5).map((r) => [r.periodKey, r.askedAt.toISOString(), r.dueAt.toISOString(), r.closedAt])).toEqual(
      Array(5).fill(["2026-03-30T09:00", "2026-03-30T07:00:00.000Z", "2026-04-01T07:00:00.000Z", null]),
    );
    messages = await outboxRows(db.store);
    expect(new Set(messages.map((m) => m.dedupeKey)).size).toBe(10);
  });

  it("keeps 09:00 local through the DST weeks at the end of March and October", async () => {
    await onlyPing(db.store, ["WP1"], "0 9 * * 1");
    await t.tick("status-pings", "2026-03-23T08:00:00Z");
    expect(await t.tick("status-pings", "2026-03-30T06:59:59Z")).toMatch(/^asked 0/);
    expect(await t.tick("status-pings", "2026-03-30T07:00:00Z")).toMatch(/^asked 1/);
    await t.tick("status-pings", "2026-10-19T07:00:00Z");
    expect(await t.tick("status-pings", "2026-10-26T07:59:59Z")).toMatch(/^asked 0/);
    expect(await t.tick("status-pings", "2026-10-26T08:00:00Z")).toMatch(/^asked 1/);
    const requests = await requestRows(db.store);
    expect(requests.map((r) => [r.periodKey, r.askedAt.toISOString(), r.dueAt.toISOString()])).toEqual([
      ["2026-03-23T09:00", "2026-03-23T08:00:00.000Z", "2026-03-25T08:00:00.000Z"],
      ["2026-03-30T09:00", "2026-03-30T07:00:00.000Z", "2026-04-01T07:00:00.000Z"],
      ["2026-10-19T09:00", "2026-10-19T07:00:00.000Z", "2026-10-21T07:00:00.000Z"],
      ["2026-10-26T09:00", "2026-10-26T08:00:00.000Z", "2026-10-28T08:00:00.000Z"],
    ]);
  });

  it("moves pings and due dates past Christmas, New Year and Epiphany", async () => {
    await onlyPing(db.store, ["WP3"], "0 9 * * 4");
    for (let day = new Date("2026-12-17T08:00:00Z"); day <= new Date("2027-01-08T08:00:00Z"); day = new Date(day.getTime() + 86_400_000)) {
      await t.tick("status-pings", day.toISOString());
    }
    const requests = await requestRows(db.store);
    expect(requests.map((r) => [r.periodKey, r.askedAt.toISOString().slice(0, 10), r.dueAt.toISOString().slice(0, 10)])).toEqual([
      ["2026-12-17T09:00", "2026-12-17", "2026-12-21"],
      ["2026-12-24T09:00", "2026-12-28", "2026-12-30"],
      ["2026-12-31T09:00", "2027-01-04", "2027-01-07"],
      ["2027-01-07T09:00", "2027-01-07", "2027-01-11"],
    ]);
  });

  it("catches up a missed tick (the bot was down at 09:00 on Monday)", async () => {
    await t.tick("status-pings", "2026-03-16T08:00:00Z");
    expect(await t.tick("status-pings", "2026-03-31T12:34:00Z")).toMatch(/^asked 5/);
    const latest = (await requestRows(db.store)).slice(5);
    expect(latest.map((r) => [r.periodKey, r.askedAt.toISOString(), r.dueAt.toISOString()])).toEqual(
      Array(5).fill(["2026-03-30T09:00", "2026-03-31T12:34:00.000Z", "2026-04-02T12:34:00.000Z"]),
    );
  });

  it("reports an invalid cadence and skips it without stopping the others", async () => {
    await db.store.db.workPackage.update({ where: { code: "WP2" }, data: { cadence: "every monday" } });
    const lines: string[] = [];
    const result = await t.app.status.startDuePeriods(at("2026-03-30T07:00:00Z"), { dryRun: false, out: (l) => lines.push(l) });
    expect(result).toEqual({ created: 4, waiting: 0, invalid: 1 });
    expect(lines.join("\n")).toMatch(/WP2: invalid cadence, skipped/);
    expect(await t.app.status.cadenceProblems()).toEqual([expect.objectContaining({ code: "WP2", cadence: "every monday" })]);
  });

  it("changes nothing in a dry run", async () => {
    const lines: string[] = [];
    const result = await t.app.status.startDuePeriods(at("2026-03-30T07:00:00Z"), { dryRun: true, out: (l) => lines.push(l) });
    expect(result.created).toBe(5);
    expect(lines[0]).toMatch(/^WP1: would ask Maria Svensson \(lead\)/);
    expect(await requestRows(db.store)).toHaveLength(0);
    expect(await outboxRows(db.store)).toHaveLength(0);
  });
});

describe("away and deputies", () => {
  it("asks the deputy while the lead is away, and waits for a lead without one", async () => {
    const [maria, johan, sara, oskar, emma] = await Promise.all(["maria.svensson", "johan.berg", "sara.nilsson", "oskar.karlsson", "emma.wilson"].map(person));
    t.setNow("2026-03-27T10:00:00Z");
    expect(cardText((await t.say(maria.id, "borta till 2026-04-10")).cards[0])).toContain("Noterat: du är borta till");
    await t.say(sara.id, "borta till 2026-04-08");
    expect(cardText((await t.say(oskar.id, "ställföreträdare emma.wilson@stockholm.example")).cards[0])).toContain("Emma Wilson (RISE) är nu ställföreträdare för WP4");
    await t.say(oskar.id, "borta till 2026-04-10");
    // Bad input: clear refusals, nothing stored.
    expect(cardText((await t.say(oskar.id, "borta till 10 april")).cards[0])).toContain("ÅÅÅÅ-MM-DD");
    expect(cardText((await t.say(oskar.id, "ställföreträdare nobody@example.org")).cards[0])).toContain("ingen med e-postadressen nobody@example.org");
    const lars = await person("lars.andersson");
    expect(cardText((await t.say(lars.id, "deputy karin.ek@stockholm.example")).cards[0])).toContain("bara ledaren");
    expect(cardText((await t.say(oskar.id, "ställföreträdare")).cards[0])).toContain("ställföreträdare E-POST");
    // Free text that merely starts with the word is offered as a need.
    expect(findAction((await t.say(lars.id, "Deputy mayors want a shared calendar")).cards[0], "need.new")?.data).toEqual({ text: "Deputy mayors want a shared calendar" });

    expect(await t.tick("status-pings", "2026-03-30T07:00:00Z")).toBe("asked 4, 1 waiting (away), 0 invalid cadence(s)");
    const byCode = async () => Object.fromEntries((await requestRows(db.store)).map((r) => [r.workPackage!.code, r.recipientId]));
    expect(await byCode()).toEqual({ WP1: johan.id, WP2: johan.id, WP4: emma.id, WP5: emma.id });
    const toJohan = (await outboxRows(db.store)).find((m) => m.dedupeKey.startsWith("status-ping:") && m.target === `person:${johan.id}` && m.payload.includes("WP1"))!;
    expect(cardText(JSON.parse(toJohan.payload))).toContain("Du tillfrågas som ställföreträdare");

    expect(await t.tick("status-pings", "2026-04-07T07:00:00Z")).toMatch(/^asked 0, 1 waiting/);
    // Sara is back on the 8th: the period's ping goes out then.
    expect(await t.tick("status-pings", "2026-04-08T07:00:00Z")).toMatch(/^asked 1, 0 waiting/);
    expect((await byCode()).WP3).toBe(sara.id);
    // The deputy may answer; the request lists for them under `status`.
    const johanForms = await t.say(johan.id, "status");
    expect(johanForms.cards.map((c) => cardText(c).split("\n")[0])).toEqual(["Läget för WP1 Styrning", "Läget för WP2 Samordning"]);
  });
});

describe("initiatives", () => {
  it("pings an initiative's owner on its own cadence, and only its owner sees the form", async () => {
    const karin = await person("karin.ek");
    const johan = await person("johan.berg");
    await onlyPing(db.store, []);
    const initiative = await db.store.db.initiative.create({ data: { code: "INIT-1", title: "Digital tillsyn nattetid", ownerId: karin.id, cadence: "0 10 * * 3" } });
    expect(await t.tick("status-pings", "2026-04-01T08:00:00Z")).toMatch(/^asked 1/);
    const [request] = await requestRows(db.store);
    expect([request!.subjectKey, request!.initiativeId, request!.periodKey, request!.recipientId]).toEqual([`init:${initiative.id}`, initiative.id, "2026-04-01T10:00", karin.id]);
    expect(cardText((await t.say(karin.id, "status")).cards[0])).toContain("Läget för INIT-1 Digital tillsyn nattetid");
    // Johan is deputy of WP1, but Maria is not away: her requests are not his to answer.
    await onlyPing(db.store, ["WP1"]);
    await t.tick("status-pings", "2026-03-30T07:00:00Z");
    expect(cardText((await t.say(johan.id, "status")).cards[0])).toContain("inga lägesrapporter att lämna");
  });
});

describe("reminders job", () => {
  it("reminds on the due date and the next working day, then escalates after Easter to the coordinators", async () => {
    await t.tick("status-pings", "2026-03-30T07:00:00Z");
    const emma = await person("emma.wilson");
    const wp5 = (await requestRows(db.store)).find((r) => r.workPackage?.code === "WP5")!;
    t.setNow("2026-03-31T09:00:00Z");
    await t.click(emma.id, "status.submit", { requestId: wp5.id, health: "on_track", progress: "Interviews done" });

    const sent: Record<string, string[]> = {};
    for (let day = new Date("2026-03-30T07:00:00Z"); day <= new Date("2026-04-09T07:00:00Z"); day = new Date(day.getTime() + 86_400_000)) {
      for (const offset of [0, 5 * 3_600_000]) {
        const summary = await t.tick("reminders", new Date(day.getTime() + offset).toISOString());
        if (!summary.startsWith("sent 0 reminder(s), 0 escalation(s)")) (sent[day.toISOString().slice(0, 10)] ??= []).push(summary);
      }
    }
    expect(sent).toEqual({
      "2026-04-01": ["sent 4 reminder(s), 0 escalation(s)"],
      "2026-04-02": ["sent 4 reminder(s), 0 escalation(s)"],
      "2026-04-07": ["sent 0 reminder(s), 4 escalation(s)"],
    });
    const messages = await outboxRows(db.store);
    const kinds = messages.reduce<Record<string, number>>((acc, m) => ({ ...acc, [m.kind]: (acc[m.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ "status.ping": 5, "status.reminder": 8, "status.escalation": 12 });
    const anna = await person("anna.lindqvist");
    const james = await person("james.carter");
    const toAnna = messages.filter((m) => m.kind === "status.escalation" && m.target === `person:${anna.id}`).map((m) => cardText(JSON.parse(m.payload)));
    expect(toAnna).toHaveLength(4);
    expect(toAnna.find((text) => text.includes("WP3"))).toMatch(/Ingen lägesrapport från WP3 Verktyg och metoder[\s\S]*Sara Nilsson[\s\S]*2 arbetsdag\(ar\)/);
    expect(toAnna.some((text) => text.includes("WP5"))).toBe(false);
    const toJames = messages.find((m) => m.kind === "status.escalation" && m.target === `person:${james.id}`)!;
    expect(cardText(JSON.parse(toJames.payload))).toContain("No status from WP1");
  });

  it("follows the reminder count in the settings", async () => {
    await db.store.settings.set("statusPings.maxReminders", 1);
    await onlyPing(db.store, ["WP4"]);
    await t.tick("status-pings", "2026-03-30T07:00:00Z");
    expect(await t.tick("reminders", "2026-04-01T07:00:00Z")).toBe("sent 1 reminder(s), 0 escalation(s)");
    expect(await t.tick("reminders", "2026-04-02T07:00:00Z")).toBe("sent 0 reminder(s), 1 escalation(s)");
    expect(await t.tick("reminders", "2026-04-07T07:00:00Z")).toBe("sent 0 reminder(s), 0 escalation(s)");
  });
});

describe("answering", () => {
  it("stores an answer per period, refuses others, re-renders without health, marks late answers", async () => {
    await onlyPing(db.store, ["WP3"]);
    await t.tick("status-pings", "2026-03-16T08:00:00Z");
    const sara = await person("sara.nilsson");
    const lars = await person("lars.andersson");
    const [old] = await requestRows(db.store);

    t.setNow("2026-03-17T09:00:00Z");
    const missing = await t.click(sara.id, "status.submit", { requestId: old!.id, progress: "Kept this text" });
    expect(missing.fieldErrors).toEqual({ health: "Fältet är obligatoriskt." });
    expect(cardText(missing.replace)).toContain("Kept this text");
    expect(await db.store.db.statusUpdate.count()).toBe(0);

    const forged = await t.click(lars.id, "status.submit", { requestId: old!.id, health: "on_track" });
    expect(cardText(forged.cards[0])).toContain("Du har inte behörighet");
    expect(await db.store.db.statusUpdate.count()).toBe(0);

    const saved = await t.click(sara.id, "status.submit", { requestId: old!.id, health: "at_risk", progress: "Guide drafted", blockers: "Funding" });
    expect(cardText(saved.replace)).toContain("Tack! Lägesrapporten för WP3 är sparad");

    // A new period; the old one is closed.
    await t.tick("status-pings", "2026-03-30T07:00:00Z");
    const current = (await requestRows(db.store))[1]!;
    const closed = await t.click(sara.id, "status.submit", { requestId: old!.id, health: "blocked" });
    expect(cardText(closed.cards[0])).toContain("perioden 2026-03-16 för WP3 är stängd");

    // The form is prefilled from last time; "no change" repeats it, after the due date: marked late.
    const forms = await t.say(sara.id, "status");
    expect(cardText(forms.cards[0])).toContain("Guide drafted");
    t.setNow("2026-04-02T10:00:00Z");
    const same = await t.click(sara.id, "status.noChange", { requestId: current.id });
    expect(cardText(same.replace)).toContain("markerad som sen");
    // Answering twice updates the same period.
    await t.click(sara.id, "status.submit", { requestId: current.id, health: "on_track", progress: "Funding decided" });
    const updates = await db.store.db.statusUpdate.findMany({ orderBy: { id: "asc" } });
    expect(updates.map((u) => [u.requestId, u.health, u.progress, u.late])).toEqual([
      [old!.id, "at_risk", "Guide drafted", false],
      [current.id, "on_track", "Funding decided", true],
    ]);
    expect((await requestRows(db.store))[1]!.answeredAt?.toISOString()).toBe("2026-04-02T10:00:00.000Z");
    // Nothing to answer for someone who leads nothing.
    expect(cardText((await t.say(lars.id, "status")).cards[0])).toContain("inga lägesrapporter att lämna");
  });

  it("lets only coordinators ping again from an escalation, once a day", async () => {
    await onlyPing(db.store, ["WP3"]);
    await t.tick("status-pings", "2026-03-30T07:00:00Z");
    const [request] = await requestRows(db.store);
    const anna = await person("anna.lindqvist");
    const sara = await person("sara.nilsson");
    t.setNow("2026-04-07T08:00:00Z");
    const forged = await t.click(sara.id, "status.pingAgain", { requestId: request!.id });
    expect(cardText(forged.cards[0])).toContain("Du har inte behörighet");
    expect(cardText((await t.click(anna.id, "status.pingAgain", { requestId: request!.id })).cards[0])).toContain("Sara Nilsson har fått en ny fråga");
    expect(cardText((await t.click(anna.id, "status.pingAgain", { requestId: request!.id })).cards[0])).toContain("redan fått en ny fråga i dag");
    const again = (await outboxRows(db.store)).filter((m) => m.dedupeKey.includes(":again:"));
    expect(again.map((m) => [m.dedupeKey, m.target])).toEqual([[`status-ping:${request!.id}:again:2026-04-07`, `person:${sara.id}`]]);
  });
});
