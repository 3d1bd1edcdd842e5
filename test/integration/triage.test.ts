// Triage through the core router on a real seeded SQLite file: every
// decision, its history entry and its notifications (outbox rows with target,
// language and text), permissions, bad input and two coordinators racing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Reply } from "../../src/bots/core/types.ts";
import type { Need, Person } from "../../src/domain/types.ts";
import { personByEmail } from "../helpers/db.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { cardText, findAction } from "../helpers/server.ts";

const NOW = new Date("2026-11-27T10:00:00Z"); // a Friday
let t: TestApp;
let anna: Person, james: Person, lars: Person, karin: Person, peter: Person, sara: Person, fatima: Person;
let wp3: number;

beforeEach(async () => {
  t = await createTestApp({ now: NOW });
  [anna, james, lars, karin, peter, sara, fatima] = await Promise.all(
    ["anna.lindqvist", "james.carter", "lars.andersson", "karin.ek", "peter.holm", "sara.nilsson", "fatima.ali"].map((k) => personByEmail(t.store, k)),
  );
  wp3 = (await t.store.workPackages.byCode("WP3"))!.id;
});
afterEach(async () => {
  await t.cleanup();
});

async function needTitled(prefix: string): Promise<Need> {
  const all = await t.store.needs.withStatus(["submitted", "accepted", "in_progress", "done", "declined", "duplicate", "withdrawn"]);
  return all.find((n) => n.title.startsWith(prefix))!;
}
/** The street-lighting need: submitted by Lars 16 days ago, supported by Karin. */
const streetLights = () => needTitled("Felanmälningar om gatubelysning");
const substitutes = () => needTitled("Schemaläggning av vikarier");

async function outboxFor(needId: number) {
  const rows = await t.store.db.outboxMessage.findMany({ where: { dedupeKey: { startsWith: `need:${needId}:` } }, orderBy: { id: "asc" } });
  return rows.map((r) => ({ ...r, text: cardText(JSON.parse(r.payload)) }));
}

/** Opens the need's triage card as `person` and clicks `verb` on it with the form values. */
async function decide(person: Person, needId: number, verb: string, values: Record<string, unknown> = {}): Promise<Reply> {
  const view = await t.click(person, "triage.view", { needId });
  const action = findAction(view.cards[0], verb);
  expect(action, `${verb} on the triage card`).toBeDefined();
  return t.click(person, verb, { ...action!.data, ...values });
}

describe("triage queue", () => {
  it("shows coordinators the waiting needs oldest first, with age, supporters and the target highlighted", async () => {
    const reply = await t.say(anna, "triage");
    const text = cardText(reply.cards[0]);
    expect(text).toContain("Triagekö (2)");
    const lights = await streetLights();
    const subs = await substitutes();
    expect(text.indexOf(lights.reference)).toBeLessThan(text.indexOf(subs.reference));
    // 16 calendar days back from Friday 27 Nov are 12 working days: past the 10-day target.
    expect(text).toMatch(/över målet · 12 arbetsdagar \(sedan .*\) · \+1/);
    expect(text).toMatch(/4 arbetsdagar .* · \+0/);
    expect(text.match(/över målet/g)).toHaveLength(1);
  });

  it("is refused to employees and leads", async () => {
    for (const person of [lars, sara]) {
      const reply = await t.say(person, "triage");
      expect(cardText(reply.cards[0])).toContain("Du har inte behörighet att göra det.");
    }
  });
});

describe("triage decisions", () => {
  it("accepts into a work package, records history and tells reporter and supporters in their language", async () => {
    const need = await streetLights();
    await t.app.needs.support(peter, need.id);
    const before = await t.store.needs.byId(need.id);
    const reply = await decide(anna, need.id, "triage.accept", { assignTo: `wp:${wp3}`, note: "Vi tittar på detta i WP3." });
    expect(cardText(reply.cards[0])).toContain(`${need.reference} är nu Accepterat`);
    expect(cardText(reply.replace)).toContain("Accepterat");

    const after = (await t.store.needs.byId(need.id))!;
    expect(after).toMatchObject({ status: "accepted", workPackageCode: "WP3", version: before!.version + 1 });
    const events = await t.store.needs.events(need.id);
    expect(events.at(-1)).toMatchObject({ kind: "accepted", actorName: "Anna Lindqvist", fromStatus: "submitted", toStatus: "accepted", note: "Vi tittar på detta i WP3." });
    const row = await t.store.db.need.findUniqueOrThrow({ where: { id: need.id } });
    expect(row.triagedAt).toEqual(NOW);

    const outbox = await outboxFor(need.id);
    expect(outbox.map((r) => r.target).sort()).toEqual([`person:${karin.id}`, `person:${lars.id}`, `person:${peter.id}`].sort());
    const byTarget = Object.fromEntries(outbox.map((r) => [r.target, r]));
    expect(byTarget[`person:${lars.id}`].dedupeKey).toBe(`need:${need.id}:v${after.version}:person:${lars.id}`);
    expect(byTarget[`person:${lars.id}`].text).toContain(`${need.reference} har accepterats`);
    expect(byTarget[`person:${lars.id}`].text).toContain("Det tas vidare i WP3 Verktyg och metoder.");
    expect(byTarget[`person:${karin.id}`].text).toContain("har accepterats");
    expect(byTarget[`person:${peter.id}`].text).toContain(`${need.reference} was accepted`);
    expect(byTarget[`person:${peter.id}`].text).toContain("It will be taken forward in WP3 Verktyg och metoder.");
  });

  it("starts and completes a need; done needs an outcome, which the reporter reads", async () => {
    const need = await streetLights();
    await decide(anna, need.id, "triage.accept", { assignTo: `wp:${wp3}` });
    await decide(anna, need.id, "triage.start");
    expect((await t.store.needs.byId(need.id))!.status).toBe("in_progress");
    const startRows = (await outboxFor(need.id)).filter((r) => r.dedupeKey.includes(":v3:"));
    expect(startRows.find((r) => r.target === `person:${lars.id}`)!.text).toContain(`Arbetet med ${need.reference} har börjat`);

    const missing = await decide(anna, need.id, "triage.done", { note: "  " });
    expect(missing.fieldErrors).toEqual({ note: "Skriv resultatet: vad blev det av behovet?" });
    expect((await t.store.needs.byId(need.id))!.status).toBe("in_progress");

    await decide(anna, need.id, "triage.done", { note: "Ett gemensamt felanmälningsflöde är infört." });
    const done = (await t.store.needs.byId(need.id))!;
    expect(done).toMatchObject({ status: "done", outcome: "Ett gemensamt felanmälningsflöde är infört." });
    const doneRow = (await outboxFor(need.id)).find((r) => r.dedupeKey === `need:${need.id}:v${done.version}:person:${lars.id}`)!;
    expect(doneRow.text).toContain(`${need.reference} är klart`);
    expect(doneRow.text).toContain("Ett gemensamt felanmälningsflöde är infört.");
    const view = await t.click(lars, "need.view", { needId: need.id });
    expect(cardText(view.cards[0])).toContain("status Pågår → Klart av Anna Lindqvist");
  });

  it("declines only with a reason, and tells the reporter why", async () => {
    const need = await substitutes();
    const noReason = await decide(james, need.id, "triage.decline");
    expect(noReason.fieldErrors).toEqual({ note: "A decline needs a reason the reporter can understand." });
    expect(await outboxFor(need.id)).toEqual([]);
    expect((await t.store.needs.byId(need.id))!.status).toBe("submitted");

    await decide(james, need.id, "triage.decline", { note: "Löses av den nya bemanningstjänsten." });
    const rows = await outboxFor(need.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].target).toBe(`person:${fatima.id}`);
    expect(rows[0].text).toContain(`${need.reference} har avböjts`);
    expect(rows[0].text).toContain("Skäl");
    expect(rows[0].text).toContain("Löses av den nya bemanningstjänsten.");
  });

  it("marks a duplicate: the reporter and supporters move to the original; self and chains are refused", async () => {
    const dup = await streetLights(); // reporter Lars, supporter Karin
    const original = await substitutes(); // reporter Fatima
    const self = await decide(anna, dup.id, "triage.duplicate", { original: String(dup.id) });
    expect(cardText(self.cards[0])).toContain(`${dup.reference} kan inte vara en dubblett av sig självt.`);

    await decide(anna, dup.id, "triage.duplicate", { original: String(original.id) });
    const after = (await t.store.needs.byId(dup.id))!;
    expect(after).toMatchObject({ status: "duplicate", duplicateOfId: original.id, supporterCount: 0 });
    expect((await t.store.needs.supporterIds(original.id)).sort()).toEqual([lars.id, karin.id].sort());
    expect((await t.store.needs.events(original.id)).at(-1)).toMatchObject({ kind: "merged", note: dup.reference });
    const rows = await outboxFor(dup.id);
    expect(rows.map((r) => r.target).sort()).toEqual([`person:${lars.id}`, `person:${karin.id}`].sort());
    expect(rows[0].text).toContain(`${dup.reference} hanteras tillsammans med ${original.reference}`);
    expect(JSON.parse(rows[0].payload).actions.some((a: { data: { needId: number } }) => a.data.needId === original.id)).toBe(true);

    // A third need may not point at the duplicate: choose the need it points to.
    const third = await t.store.needs.create({
      reporterId: peter.id,
      year: 2026,
      draft: { title: "Street lights reported twice", problem: "Faults in street lighting reach three systems.", affected: "", benefit: "", sustainability: [], urgency: "low", departmentId: null },
    });
    const chain = await decide(anna, third.id, "triage.duplicate", { original: String(dup.id) });
    expect(cardText(chain.cards[0])).toContain(`${dup.reference} är självt en dubblett eller återkallat`);
    expect((await t.store.needs.byId(third.id))!.status).toBe("submitted");
  });

  it("asks the reporter a question; the need leaves the queue until the answer, which goes to the coordinator", async () => {
    const need = await substitutes();
    await decide(anna, need.id, "triage.ask", { note: "Gäller det grundskolan eller gymnasiet?" });
    expect((await t.store.needs.byId(need.id))!.awaitingReply).toBe(true);
    expect(cardText((await t.say(anna, "triage")).cards[0])).toContain("Triagekö (1)");

    const question = (await outboxFor(need.id)).find((r) => r.target === `person:${fatima.id}`)!;
    expect(question.kind).toBe("need.question");
    expect(question.text).toContain("Gäller det grundskolan eller gymnasiet?");
    const replyAction = findAction(JSON.parse(question.payload), "need.reply")!;

    const forged = await t.click(lars, "need.reply", { ...replyAction.data, answer: "Jag svarar åt henne" });
    expect(cardText(forged.cards[0])).toContain("Du har inte behörighet");
    const empty = await t.click(fatima, "need.reply", { ...replyAction.data, answer: "" });
    expect(empty.fieldErrors).toEqual({ answer: "Fältet är obligatoriskt." });

    const answered = await t.click(fatima, "need.reply", { ...replyAction.data, answer: "Grundskolan, främst F–6." });
    expect(cardText(answered.replace)).toContain(`Tack! Ditt svar om ${need.reference}`);
    expect((await t.store.needs.byId(need.id))!.awaitingReply).toBe(false);
    expect(cardText((await t.say(anna, "triage")).cards[0])).toContain("Triagekö (2)");
    const toAnna = (await outboxFor(need.id)).find((r) => r.target === `person:${anna.id}`)!;
    expect(toAnna.text).toContain(`Fatima Ali har svarat om ${need.reference}`);
    expect(toAnna.text).toContain("Grundskolan, främst F–6.");
    expect((await t.store.needs.events(need.id)).map((e) => e.kind).slice(-2)).toEqual(["question", "answered"]);

    const again = await t.click(fatima, "need.reply", { ...replyAction.data, answer: "En gång till" });
    expect(cardText(again.cards[0])).toContain("väntar inte på något svar");
  });
});

describe("replays and impossible decisions", () => {
  it("a replayed click is refused and sends nothing twice; a decision the status does not allow is refused", async () => {
    const need = await streetLights();
    const view = await t.click(anna, "triage.view", { needId: need.id });
    const accept = { ...findAction(view.cards[0], "triage.accept")!.data, assignTo: `wp:${wp3}` };
    await t.click(anna, "triage.accept", accept);
    const rowsAfterFirst = await outboxFor(need.id);
    const replay = await t.click(anna, "triage.accept", accept);
    expect(cardText(replay.cards[0])).toContain("Någon ändrade detta alldeles nyss");
    expect(await outboxFor(need.id)).toEqual(rowsAfterFirst);

    const current = (await t.store.needs.byId(need.id))!;
    const again = await t.click(anna, "triage.accept", { needId: need.id, version: current.version, assignTo: `wp:${wp3}` });
    expect(cardText(again.cards[0])).toContain(`${need.reference} har redan gått vidare förbi det beslutet`);
    const ask = await t.click(anna, "triage.ask", { needId: need.id, version: current.version, note: "?" });
    expect(cardText(ask.cards[0])).toContain("har redan gått vidare");
    expect((await t.store.needs.byId(need.id))!.version).toBe(current.version);
  });

  it("accepts into an initiative, which also sets its work package", async () => {
    const initiative = await t.store.db.initiative.create({ data: { code: "I-7", title: "Smartare felanmälan", workPackageId: wp3 } });
    const need = await streetLights();
    await decide(anna, need.id, "triage.accept", { assignTo: `init:${initiative.id}` });
    expect(await t.store.needs.byId(need.id)).toMatchObject({ status: "accepted", initiativeCode: "I-7", workPackageCode: "WP3" });
    const row = (await outboxFor(need.id)).find((r) => r.target === `person:${lars.id}`)!;
    expect(row.text).toContain("Det tas vidare i I-7 Smartare felanmälan.");
    const unknown = await decide(anna, (await substitutes()).id, "triage.accept", { assignTo: "wp:9999" });
    expect(unknown.fieldErrors).toEqual({ assignTo: "Välj ett av alternativen." });
  });
});

describe("who may triage", () => {
  it("refuses a forged triage action from an employee or lead and changes nothing", async () => {
    const need = await streetLights();
    const forged = { needId: need.id, version: need.version, assignTo: `wp:${wp3}`, note: "forged" };
    for (const person of [lars, sara]) {
      for (const verb of ["triage.accept", "triage.decline", "triage.view"]) {
        const reply = await t.click(person, verb, forged);
        expect(cardText(reply.cards[0])).toContain("Du har inte behörighet att göra det.");
      }
    }
    expect(await t.store.needs.byId(need.id)).toEqual(need);
    expect(await outboxFor(need.id)).toEqual([]);
  });

  it("lets an admin coordinator triage; refuses a card without a version", async () => {
    const erik = await personByEmail(t.store, "erik.johansson");
    const need = await substitutes();
    const noVersion = await t.click(erik, "triage.accept", { needId: need.id, assignTo: `wp:${wp3}` });
    expect(cardText(noVersion.cards[0])).toContain("kortet är inaktuellt");
    await decide(erik, need.id, "triage.accept", { assignTo: `wp:${wp3}` });
    expect((await t.store.needs.byId(need.id))!.status).toBe("accepted");
  });
});

describe("two coordinators at once", () => {
  it("the second decision on an outdated card sees the current state and overwrites nothing", async () => {
    const need = await streetLights();
    const annaView = await t.click(anna, "triage.view", { needId: need.id });
    const jamesView = await t.click(james, "triage.view", { needId: need.id });
    await t.click(anna, "triage.accept", { ...findAction(annaView.cards[0], "triage.accept")!.data, assignTo: `wp:${wp3}` });
    const late = await t.click(james, "triage.decline", { ...findAction(jamesView.cards[0], "triage.decline")!.data, note: "Not for us." });
    expect(cardText(late.cards[0])).toContain("Someone changed this a moment ago");
    expect(cardText(late.replace)).toContain("Accepted");
    const after = (await t.store.needs.byId(need.id))!;
    expect(after.status).toBe("accepted");
    expect((await t.store.needs.events(need.id)).filter((e) => e.kind === "declined")).toEqual([]);
    expect((await outboxFor(need.id)).every((r) => !r.text.includes("Not for us."))).toBe(true);
  });

  it("of two decisions sent at the same moment, exactly one lands", async () => {
    const need = await substitutes();
    const data = { needId: need.id, version: need.version };
    const [a, b] = await Promise.allSettled([
      t.app.triage.decide(anna, "accept", { ...data, assignTo: `wp:${wp3}` }),
      t.app.triage.decide(james, "decline", { ...data, note: "No." }),
    ]);
    const outcomes = [a.status, b.status].sort();
    expect(outcomes).toEqual(["fulfilled", "rejected"]);
    const rejected = (a.status === "rejected" ? a : b) as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "conflict" });
    const after = (await t.store.needs.byId(need.id))!;
    expect(after.version).toBe(need.version + 1);
    expect(await outboxFor(need.id)).toHaveLength(1);
  });
});
