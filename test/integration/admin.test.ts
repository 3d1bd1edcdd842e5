// Admin actions, "who am I" and settings through the web chat's HTTP API on a
// real seeded database: permissions, audit entries, notifications, forms.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/index.ts";
import { personByEmail } from "../helpers/db.ts";
import { cardText, findAction, startTestServer, webChat, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let store: Store;
let erik: ReturnType<typeof webChat>;

beforeAll(async () => {
  server = await startTestServer();
  store = await openStore(server.databaseUrl, { migrate: false });
  erik = webChat(server.url, (await personByEmail(store, "erik.johansson")).id);
});
afterAll(async () => {
  await store.close();
  await server.cleanup();
});

async function outboxFor(email: string) {
  const person = await personByEmail(store, email);
  const rows = await store.db.outboxMessage.findMany({ where: { target: `person:${person.id}` }, orderBy: { id: "asc" } });
  return rows.map((r) => ({ kind: r.kind, text: cardText(JSON.parse(r.payload)) }));
}
const auditOf = (subject: string) => store.audit.forSubject(subject);

describe("admin in chat", () => {
  it("lists work packages with leads, deputies and cadence, and initiatives", async () => {
    const card = (await erik.say("admin")).cards[0];
    const text = cardText(card);
    expect(text).toContain("Arbetspaket");
    expect(text).toContain("**WP1** Styrning");
    expect(text).toContain("Maria Svensson (maria.svensson@stockholm.example)");
    expect(text).toContain("Johan Berg (johan.berg@stockholm.example)");
    expect(text).toMatch(/0 9 \* \* 1 every 2 weeks from 2026-01-05 \(Europe\/Stockholm\), nästa mån/);
    expect(text).toContain("**I-2026-01** Digital tillsyn nattetid i hemtjänsten: Pilot, ägare Sara Nilsson, WP3");
    expect(findAction(card, "admin.wpEdit")).toBeDefined();
    expect(findAction(card, "admin.wpPause")).toBeDefined();
    // "work packages" opens the same list.
    expect(cardText((await erik.say("work packages")).cards[0])).toContain("Statusfrågor");
  });

  it("refuses a non-admin, and a forged admin action, changing nothing and logging the attempt", async () => {
    const lars = await personByEmail(store, "lars.andersson");
    const chat = webChat(server.url, lars.id);
    expect(cardText((await chat.say("admin")).cards[0])).toContain("Du har inte behörighet att göra det.");
    const wp1 = (await store.workPackages.byCode("WP1"))!;
    const forged = await chat.click("admin.wpSave", { workPackageId: wp1.id, lead: "lars.andersson@stockholm.example", cadence: "* * * * *" });
    expect(cardText(forged.cards[0])).toContain("Du har inte behörighet att göra det.");
    const paused = await chat.click("admin.wpPause", { workPackageId: wp1.id });
    expect(cardText(paused.cards[0])).toContain("Du har inte behörighet");
    const grant = await chat.click("admin.coordinatorGrant", { email: "lars.andersson@stockholm.example" });
    expect(cardText(grant.cards[0])).toContain("Du har inte behörighet");

    expect(await store.workPackages.byCode("WP1")).toEqual(wp1);
    expect((await personByEmail(store, "lars.andersson")).roles).toEqual(["employee"]);
    const denied = await store.db.auditLog.findMany({ where: { action: "denied", actorId: lars.id }, orderBy: { id: "asc" } });
    expect(denied.map((d) => d.subject)).toEqual(["admin:overview", "admin:workPackage.change", "admin:workPackage.pause", "admin:role.grant"]);
    // A bounded summary of what was sent (issue 17), not the payload itself.
    expect(JSON.parse(denied[1].after!)).toMatchObject({ verb: "workPackage.change", head: expect.stringContaining('"lead":"lars.andersson@stockholm.example"') });
    // A coordinator is not an admin either.
    const anna = webChat(server.url, (await personByEmail(store, "anna.lindqvist")).id);
    expect(cardText((await anna.say("samordnare")).cards[0])).toContain("Du har inte behörighet");
  });

  it("checks the permission of every admin verb and intent, auditing each refusal", async () => {
    const fatima = await personByEmail(store, "fatima.ali");
    const chat = webChat(server.url, fatima.id);
    const wp2 = (await store.workPackages.byCode("WP2"))!;
    const accepted = (await store.needs.withStatus(["accepted"]))[0];
    const attempts: [string, Record<string, unknown>][] = [
      ["admin.overview", {}],
      ["admin.wpEdit", { workPackageId: wp2.id }],
      ["admin.wpSave", { workPackageId: wp2.id, lead: "fatima.ali@stockholm.example", cadence: "0 9 * * 1" }],
      ["admin.wpPause", { workPackageId: wp2.id }],
      ["admin.wpResume", { workPackageId: wp2.id }],
      ["admin.initiativeNew", { needReference: accepted.reference }],
      ["admin.initiativeCreate", { title: "Forged initiative", needReference: accepted.reference }],
      ["admin.coordinators", {}],
      ["admin.coordinatorGrant", { email: "fatima.ali@stockholm.example" }],
      ["admin.coordinatorRevoke", { personId: (await personByEmail(store, "anna.lindqvist")).id }],
    ];
    for (const [verb, data] of attempts) {
      const res = await chat.click(verb, data);
      expect(cardText(res.cards[0]), verb).toContain("Du har inte behörighet att göra det.");
    }
    for (const text of ["admin", "arbetspaket", `starta initiativ från ${accepted.reference}`, "coordinators"]) {
      expect(cardText((await chat.say(text)).cards[0]), text).toContain("Du har inte behörighet");
    }
    const denied = await store.db.auditLog.findMany({ where: { action: "denied", actorId: fatima.id } });
    expect(denied).toHaveLength(attempts.length + 4);
    expect(await store.workPackages.byCode("WP2")).toEqual(wp2);
    expect(await store.initiatives.byNeed(accepted.id)).toBeNull();
    expect((await personByEmail(store, "fatima.ali")).roles).toEqual(["employee"]);
    expect((await personByEmail(store, "anna.lindqvist")).roles).toContain("coordinator");
  });

  it("changes a lead and cadence: audited with before/after, both leads told in their language", async () => {
    const wp4 = (await store.workPackages.byCode("WP4"))!;
    const overview = (await erik.say("admin")).cards[0];
    const edit = await erik.click("admin.wpEdit", { workPackageId: wp4.id });
    expect(findAction(overview, "admin.wpEdit")).toBeDefined();
    const form = edit.cards[0];
    expect(JSON.stringify(form)).toContain('"value":"oskar.karlsson@stockholm.example"');
    const save = findAction(form, "admin.wpSave")!;

    // Invalid input: the form comes back with the fields marked and the input kept; nothing stored.
    const bad = await erik.click("admin.wpSave", { ...save.data, lead: "nobody@stockholm.example", deputy: "oskar.karlsson@stockholm.example", cadence: "0 9 * *" });
    expect(bad.fieldErrors).toEqual({
      lead: "Ingen med e-postadressen nobody@stockholm.example är känd. Personen måste finnas i organisationsfilen eller ha skrivit till mig.",
      cadence: expect.stringContaining("Inget giltigt schema"),
    });
    expect(JSON.stringify(bad.replace)).toContain('"value":"nobody@stockholm.example"');
    expect(await store.workPackages.byCode("WP4")).toEqual(wp4);
    const same = await erik.click("admin.wpSave", { ...save.data, lead: "peter.holm@stockholm.example", deputy: "Peter.Holm@stockholm.example", cadence: "0 9 * * 1" });
    expect(same.fieldErrors).toEqual({ deputy: "Ersättaren måste vara någon annan än ledaren." });

    const saved = await erik.click("admin.wpSave", { ...save.data, lead: "Peter.Holm@stockholm.example", deputy: "", cadence: "0 10 * * 3" });
    expect(cardText(saved.replace)).toContain("Arbetspaket WP4 har uppdaterats");
    const peter = await personByEmail(store, "peter.holm");
    expect(await store.workPackages.byCode("WP4")).toMatchObject({ leadId: peter.id, deputyId: null, cadence: "0 10 * * 3" });
    expect(peter.roles).toEqual(["employee", "lead"]);
    expect((await personByEmail(store, "oskar.karlsson")).roles).toEqual(["employee"]);

    const audit = await auditOf("workPackage:WP4");
    expect(audit).toHaveLength(1);
    const oskar = await personByEmail(store, "oskar.karlsson");
    expect(audit[0]).toMatchObject({ action: "workPackage.change", actorId: (await personByEmail(store, "erik.johansson")).id });
    expect(JSON.parse(audit[0].before!)).toEqual({ leadId: oskar.id, deputyId: null, cadence: "0 9 * * 1 every 2 weeks from 2026-01-05" });
    expect(JSON.parse(audit[0].after!)).toEqual({ leadId: peter.id, deputyId: null, cadence: "0 10 * * 3" });
    expect(await outboxFor("peter.holm")).toEqual([
      { kind: "notification", text: expect.stringContaining("You are now the lead of work package WP4 (Strategisk kommunikation)") },
    ]);
    expect(await outboxFor("oskar.karlsson")).toEqual([{ kind: "notification", text: expect.stringContaining("Du är inte längre ledare för arbetspaket WP4") }]);

    // Saving the same values again is no change: no audit entry, nobody told twice.
    const again = await erik.click("admin.wpSave", { ...save.data, lead: "peter.holm@stockholm.example", deputy: "", cadence: "0 10 * * 3" });
    expect(cardText(again.replace)).toContain("Inget ändrades i arbetspaket WP4");
    expect(await auditOf("workPackage:WP4")).toHaveLength(1);
    expect(await outboxFor("peter.holm")).toHaveLength(1);
  });

  it("pauses and resumes a work package's pings; a repeated click changes nothing", async () => {
    const wp5 = (await store.workPackages.byCode("WP5"))!;
    const paused = await erik.click("admin.wpPause", { workPackageId: wp5.id });
    expect(cardText(paused.cards[0])).toContain("Statusfrågorna för WP5 är pausade.");
    expect(cardText(paused.replace)).toContain("pausade (0 9 * * 1 every 2 weeks from 2026-01-05)");
    expect((await store.workPackages.byCode("WP5"))!.pingsPaused).toBe(true);
    const replay = await erik.click("admin.wpPause", { workPackageId: wp5.id });
    expect(cardText(replay.cards[0])).toContain("var redan pausade");
    expect(findAction(paused.replace, "admin.wpResume")).toBeDefined();
    await erik.click("admin.wpResume", { workPackageId: wp5.id });
    expect((await store.workPackages.byCode("WP5"))!.pingsPaused).toBe(false);

    expect((await auditOf("workPackage:WP5")).map((a) => [a.action, a.before, a.after])).toEqual([
      ["workPackage.pause", '{"pingsPaused":false}', '{"pingsPaused":true}'],
      ["workPackage.resume", '{"pingsPaused":true}', '{"pingsPaused":false}'],
    ]);
    expect((await outboxFor("emma.wilson")).map((m) => m.text)).toEqual([
      expect.stringContaining("Status pings for work package WP5 (Följeforskning) are paused"),
      expect.stringContaining("Status pings for work package WP5 (Följeforskning) are running again"),
    ]);
    const missing = await erik.click("admin.wpPause", { workPackageId: 99999 });
    expect(cardText(missing.cards[0])).toContain("Det gick inte att hitta");
  });

  it("starts an initiative from an accepted need, telling owner and reporter", async () => {
    const accepted = (await store.needs.withStatus(["accepted"]))[0];
    const submitted = (await store.needs.withStatus(["submitted"]))[0];
    const refused = await erik.say(`starta initiativ från ${submitted.reference}`);
    expect(cardText(refused.cards[0])).toContain(`${submitted.reference} är inte accepterat`);

    const form = (await erik.say(`starta initiativ från ${accepted.reference.toLowerCase()}`)).cards[0];
    expect(cardText(form)).toContain(`Nytt initiativ från ${accepted.reference}`);
    expect(JSON.stringify(form)).toContain(`"value":"${accepted.title}"`);
    const create = findAction(form, "admin.initiativeCreate")!;
    expect(create.data).toEqual({ needReference: accepted.reference });

    const invalid = await erik.click("admin.initiativeCreate", { ...create.data, title: "AB", stage: "moonshot", owner: "nobody@x.example" });
    expect(Object.keys(invalid.fieldErrors!).sort()).toEqual(["owner", "stage", "title"]);
    expect(await store.initiatives.byNeed(accepted.id)).toBeNull();

    const wp3 = (await store.workPackages.byCode("WP3"))!;
    const created = await erik.click("admin.initiativeCreate", {
      ...create.data,
      title: "Luftkvalitetsdata till skolor",
      stage: "exploration",
      owner: "fatima.ali@stockholm.example",
      workPackage: String(wp3.id),
    });
    // Codes count up per year: I-2026-01 is the seeded one.
    const year = new Date().getUTCFullYear();
    const first = year === 2026 ? 2 : 1;
    const code = (n: number) => `I-${year}-${String(n).padStart(2, "0")}`;
    expect(cardText(created.replace)).toContain(`Initiativet ${code(first)} (Luftkvalitetsdata till skolor) har skapats`);
    const initiative = (await store.initiatives.byNeed(accepted.id))!;
    expect(initiative).toMatchObject({ title: "Luftkvalitetsdata till skolor", stage: "exploration", workPackageId: wp3.id });
    expect((await store.needs.byId(accepted.id))!.initiativeId).toBe(initiative.id);
    expect((await personByEmail(store, "fatima.ali")).roles).toEqual(["employee", "lead"]);
    expect((await auditOf(`initiative:${initiative.code}`))[0].action).toBe("initiative.create");
    expect((await outboxFor("fatima.ali")).at(-1)!.text).toContain(`Du äger det nya initiativet ${initiative.code}`);
    const reporterEmail = (await store.people.byId(accepted.reporterId))!.email!.split("@")[0];
    expect((await outboxFor(reporterEmail)).at(-1)!.text).toContain(`became the initiative ${initiative.code}`);

    const twice = await erik.click("admin.initiativeCreate", { ...create.data, title: "Again" });
    expect(cardText(twice.cards[0])).toContain("har redan ett initiativ");

    // A plain new initiative; a replayed click does not create it twice.
    const plain = (await erik.say("nytt initiativ")).cards[0];
    expect(cardText(plain)).toContain("Nytt initiativ");
    const values = { title: "Gemensam AI-sandlåda", stage: "idea" };
    expect(cardText((await erik.click("admin.initiativeCreate", values)).replace)).toContain(`Initiativet ${code(first + 1)}`);
    const replay = await erik.click("admin.initiativeCreate", values);
    expect(replay.fieldErrors).toEqual({ title: `Initiativet ${code(first + 1)} har redan den titeln.` });
  });

  it("grants and revokes the coordinator role", async () => {
    const card = (await erik.say("samordnare")).cards[0];
    expect(cardText(card)).toContain("Anna Lindqvist");
    const unknown = await erik.click("admin.coordinatorGrant", { email: "ghost@stockholm.example" });
    expect(unknown.fieldErrors!.email).toContain("ghost@stockholm.example");

    const granted = await erik.click("admin.coordinatorGrant", { email: "Karin.Ek@stockholm.example" });
    expect(cardText(granted.cards[0])).toContain("Karin Ek är nu samordnare.");
    const karin = await personByEmail(store, "karin.ek");
    expect(karin.roles).toContain("coordinator");
    const revoke = findAction(granted.replace, "admin.coordinatorRevoke");
    expect(revoke).toBeDefined();
    const revoked = await erik.click("admin.coordinatorRevoke", { personId: karin.id });
    expect(cardText(revoked.cards[0])).toContain("Karin Ek är inte längre samordnare.");
    const replay = await erik.click("admin.coordinatorRevoke", { personId: karin.id });
    expect(cardText(replay.cards[0])).toContain("Karin Ek var inte samordnare.");
    expect((await personByEmail(store, "karin.ek")).roles).toEqual(["employee"]);

    expect((await auditOf(`person:${karin.id}`)).map((a) => [a.action, JSON.parse(a.before!).roles, JSON.parse(a.after!).roles])).toEqual([
      ["role.grant", ["employee"], ["coordinator", "employee"]],
      ["role.revoke", ["coordinator", "employee"], ["employee"]],
    ]);
    expect((await outboxFor("karin.ek")).map((m) => m.text)).toEqual([
      expect.stringContaining("Erik Johansson har gjort dig till samordnare"),
      expect.stringContaining("Erik Johansson har tagit bort din samordnarroll"),
    ]);
  });
});

describe("who am i and settings", () => {
  it("shows a lead their roles, work packages and what the bot will ask", async () => {
    const maria = webChat(server.url, (await personByEmail(store, "maria.svensson")).id);
    const text = cardText((await maria.say("vem är jag")).cards[0]);
    expect(text).toContain("Du är Maria Svensson");
    expect(text).toContain("medarbetare, ledare");
    expect(text).toContain("WP1 (ledare), WP2 (ersättare)");
    expect(text).toMatch(/Läget i WP1: 0 9 \* \* 1 every 2 weeks from 2026-01-05 \(Europe\/Stockholm\), nästa/);
    expect(text).toContain("Läget i WP2 när ledaren är borta");
    const lars = webChat(server.url, (await personByEmail(store, "lars.andersson")).id);
    const larsText = cardText((await lars.say("who am i")).cards[0]);
    expect(larsText).toContain("Inget mer: jag berättar när ett behov");
    expect(larsText).not.toContain("Läget i");
  });

  it("lets a person change language (the reply already in it) and see what is stored", async () => {
    const peter = await personByEmail(store, "peter.holm");
    const chat = webChat(server.url, peter.id);
    const settings = (await chat.say("settings")).cards[0];
    const text = cardText(settings);
    expect(text).toContain("What is stored about you");
    expect(text).toContain("peter.holm@stockholm.example");
    expect(text).toMatch(/Needs reported\n[1-9]/);
    expect(text).toContain("Environment and Health Administration");
    const saved = await chat.click("me.settingsSave", { locale: "sv" });
    expect(cardText(saved.cards[0])).toBe("Sparat. Jag skriver till dig på svenska från och med nu.");
    expect(cardText(saved.replace)).toContain("Vad som finns sparat om dig");
    expect(cardText(saved.replace)).toContain("Miljöförvaltningen");
    expect((await personByEmail(store, "peter.holm")).locale).toBe("sv");
    const bad = await chat.click("me.settingsSave", { locale: "de" });
    expect(cardText(bad.cards[0])).toContain("välj Svenska eller English");
    await chat.click("me.settingsSave", { locale: "en" });
    expect((await personByEmail(store, "peter.holm")).locale).toBe("en");
  });

  it("lists the new commands in help by role", async () => {
    const lars = webChat(server.url, (await personByEmail(store, "lars.andersson")).id);
    const larsHelp = cardText((await lars.say("hjälp")).cards[0]);
    expect(larsHelp).toContain("**vem är jag**");
    expect(larsHelp).not.toContain("**admin**");
    expect(cardText((await erik.say("hjälp")).cards[0])).toContain("**admin**");
  });
});
