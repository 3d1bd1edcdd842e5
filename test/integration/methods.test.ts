// The catalogue of methods and tools over the Teams and Slack stand-ins: found
// with Swedish and English words, attached to a need at acceptance and named
// on the reporter's card, edited by the owning work package's lead, and a
// forged edit by an employee refused.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jobByName } from "../../src/jobs/index.ts";
import { runJob } from "../../src/jobs/scheduler.ts";
import { startBotConnector, type BotConnector } from "../helpers/botConnector.ts";
import { cardText, findAction, startTestServer, type TestServer } from "../helpers/server.ts";
import { slackRequest, slashCommand, startSlackApi, type SlackApiStandIn } from "../helpers/slackApi.ts";
import { cardOf, teamsClient, teamsUser, TENANT } from "../helpers/teams.ts";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
let server: TestServer;
let connector: BotConnector;
let api: SlackApiStandIn;
const now = new Date("2026-11-27T09:00:00Z");

const lars = teamsUser("lars", "Lars Andersson");
const nora = teamsUser("nora", "Nora Nyberg");
const anna = teamsUser("anna", "Anna Lindqvist");
const sara = teamsUser("sara", "Sara Nilsson");
const maria = teamsUser("maria", "Maria Svensson");

beforeAll(async () => {
  connector = await startBotConnector();
  api = await startSlackApi();
  api.users.set("UNORA", { id: "UNORA", name: "Nora Nyberg", email: "nora.nyberg@stockholm.example", locale: "en-GB" });
  api.users.set("UKARIN", { id: "UKARIN", name: "Karin Ek", email: "karin.ek@stockholm.example", locale: "sv-SE" });
  server = await startTestServer({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: "xoxb-test-token", SLACK_API_URL: api.url }, undefined, { clock: () => now });
  for (const [user, local] of [
    [lars, "lars.andersson"],
    [nora, "nora.en"],
    [anna, "anna.lindqvist"],
    [sara, "sara.nilsson"],
    [maria, "maria.svensson"],
  ] as const) {
    connector.members.set(user.id, { ...user, email: `${local}@stockholm.example`, tenantId: TENANT });
  }
});
afterAll(async () => {
  expect(api.invalid).toEqual([]);
  await server?.cleanup();
  await connector?.close();
  await api?.close();
});
beforeEach(() => connector.reset());

const methodByCode = (code: string) => server.app.store.db.method.findUniqueOrThrow({ where: { code } });

/** The last card the bot sent to a Teams conversation as a message. */
const lastCard = (conversationId: string) => cardOf(connector.sent(conversationId).at(-1));

/** What the bot sent to a Teams conversation, card by card. */
const sentTexts = (conversationId: string) => connector.sent(conversationId).map((a) => cardText(cardOf(a)));

const slack = (body: string) => slackRequest(server.url, SECRET, body, { contentType: "application/x-www-form-urlencoded" });

describe("finding methods", () => {
  it("answers a Swedish query in Teams with a card per matching method, in Swedish", async () => {
    const chat = teamsClient(server.url, connector.url, lars);
    expect((await chat.say("metoder upphandling")).status).toBe(200);
    const [summary, ...cards] = sentTexts(chat.conversationId);
    expect(summary).toContain('Metoder och verktyg för "upphandling", bäst först');
    expect(cards[0]).toContain("Innovationsupphandling");
    expect(cards[0]).toContain("Bra för / när den passar");
    expect(cards[0]).toContain("Maria Svensson");
    expect(cards.join("\n")).not.toContain("Tjänstedesign");
    // An employee sees no edit button.
    expect(findAction(cardOf(connector.sent(chat.conversationId)[1]), "method.edit")).toBeUndefined();
  });

  it("answers an English query in Teams in English", async () => {
    const chat = teamsClient(server.url, connector.url, nora, { locale: "en-GB" });
    await chat.say("methods service design");
    const [summary, first] = sentTexts(chat.conversationId);
    expect(summary).toContain('Methods and tools for "service design", best match first');
    expect(first).toContain("Service design");
    expect(first).toContain("Good for / when to use");
    expect(first).toContain("with the people who use and deliver it");
  });

  it("answers /samordna methods in Slack with English and Swedish words", async () => {
    await slack(slashCommand(api.url, "UNORA", "methods test bed pilot").body);
    const [en] = await api.waitFor("chat.postMessage", (c) => c.body.channel === "DUNORA" && JSON.stringify(c.body.blocks).includes("Test bed"));
    expect(JSON.stringify(en.body.blocks)).toContain("When a solution looks promising");

    await slack(slashCommand(api.url, "UKARIN", "metoder nyttorealisering").body);
    const [sv] = await api.waitFor("chat.postMessage", (c) => c.body.channel === "DUKARIN" && JSON.stringify(c.body.blocks).includes("Nyttorealisering"));
    expect(JSON.stringify(sv.body.blocks)).toContain("Beskriv de nyttor");
  });
});

describe("methods attached to a need", () => {
  it("a coordinator attaches methods when accepting; the reporter's cards (accepted, then the outcome) name them and the digest counts them", async () => {
    const need = (await server.app.store.needs.withStatus(["submitted"])).find((n) => n.title.startsWith("Felanmälningar om gatubelysning"))!;
    const [td, iu] = await Promise.all([methodByCode("service-design"), methodByCode("innovation-procurement")]);
    const wp3 = (await server.app.store.workPackages.byCode("WP3"))!;

    // The reporter has a Teams chat with the bot (delivery goes there).
    const larsChat = teamsClient(server.url, connector.url, lars);
    await larsChat.say("hjälp");

    const annaChat = teamsClient(server.url, connector.url, anna);
    await annaChat.execute("triage.view", { needId: need.id });
    const triageCard = lastCard(annaChat.conversationId);
    expect(JSON.stringify(triageCard)).toContain('"id":"methods"');
    expect(cardText(triageCard)).toContain("Innovationsupphandling");
    const accept = findAction(triageCard, "triage.accept")!;
    const decided = await annaChat.execute("triage.accept", { ...accept.data, assignTo: `wp:${wp3.id}`, methods: `${td.id},${iu.id}` });
    expect(decided.status).toBe(200);
    expect(await server.app.store.db.needMethod.findMany({ where: { needId: need.id }, select: { methodId: true }, orderBy: { methodId: "asc" } })).toEqual(
      [td.id, iu.id].sort((a, b) => a - b).map((methodId) => ({ methodId })),
    );

    connector.reset();
    // Outbox rows are stamped by the database's own clock.
    await runJob(server.app, jobByName("outbox")!, { now: new Date(Date.now() + 5_000) });
    const toLars = sentTexts(larsChat.conversationId).find((t) => t.includes(need.reference))!;
    expect(toLars).toContain("Metoder och verktyg");
    expect(toLars).toContain("Tjänstedesign, Innovationsupphandling");

    // The outcome card, when the need is done, names them too.
    await annaChat.execute("triage.view", { needId: need.id });
    const done = findAction(lastCard(annaChat.conversationId), "triage.done")!;
    await annaChat.execute("triage.done", { ...done.data, note: "En ny felanmälan i en kanal." });
    connector.reset();
    await runJob(server.app, jobByName("outbox")!, { now: new Date(Date.now() + 5_000) });
    const outcome = sentTexts(larsChat.conversationId).find((t) => t.includes(need.reference))!;
    expect(outcome).toContain("En ny felanmälan i en kanal.");
    expect(outcome).toContain("Tjänstedesign, Innovationsupphandling");

    const digest = await server.app.digests.build({ from: new Date("2026-11-26T00:00:00Z"), to: new Date("2026-11-28T00:00:00Z"), key: "test" });
    expect(digest.methods.items.map((m) => [m.name, m.count])).toEqual([
      ["Innovationsupphandling", 1],
      ["Tjänstedesign", 1],
    ]);
  });

  it("refuses a method that is not in the catalogue and attaches nothing", async () => {
    const need = (await server.app.store.needs.withStatus(["submitted"])).find((n) => n.title.startsWith("Schemaläggning av vikarier"))!;
    const wp3 = (await server.app.store.workPackages.byCode("WP3"))!;
    const annaChat = teamsClient(server.url, connector.url, anna);
    await annaChat.execute("triage.view", { needId: need.id });
    const accept = findAction(lastCard(annaChat.conversationId), "triage.accept")!;
    const reply = await annaChat.execute("triage.accept", { ...accept.data, assignTo: `wp:${wp3.id}`, methods: "999999" });
    expect(cardText(reply.body.value)).toContain("Välj ett av alternativen.");
    expect((await server.app.store.needs.byId(need.id))!.status).toBe("submitted");
    expect(await server.app.store.db.needMethod.count({ where: { needId: need.id } })).toBe(0);
  });
});

describe("editing a method", () => {
  it("lets the lead of the owning work package edit it through the form", async () => {
    const method = await methodByCode("test-bed");
    const chat = teamsClient(server.url, connector.url, sara);
    await chat.say("metoder testbädd");
    const card = cardOf(connector.sent(chat.conversationId)[1]);
    const edit = findAction(card, "method.edit")!;
    expect(edit.data).toMatchObject({ methodId: method.id });
    await chat.execute("method.edit", edit.data);
    expect(cardText(lastCard(chat.conversationId))).toContain("Redigera Testbädd");

    const invalid = await chat.execute("method.save", { methodId: method.id, name: "Testbädd", effort: "high", links: "http://insecure.example" });
    expect(cardText(invalid.body.value)).toContain("Varje länk måste vara en https-adress");
    expect((await methodByCode("test-bed")).links).toBe(method.links);

    const saved = await chat.execute("method.save", { methodId: method.id, name: "Testbädd i stadsdel", nameEn: "District test bed", effort: "medium", links: "https://example.org/testbadd", tags: "pilot, stadsdel" });
    expect(cardText(saved.body.value)).toContain("Testbädd i stadsdel");
    expect(await methodByCode("test-bed")).toMatchObject({ name: "Testbädd i stadsdel", nameEn: "District test bed", effort: "medium", links: '["https://example.org/testbadd"]', tags: "pilot,stadsdel" });
    expect(await server.app.store.audit.forSubject("method:test-bed")).toHaveLength(1);
  });

  it("refuses a forged edit by an employee, and by the lead of another work package, and changes nothing", async () => {
    const before = await methodByCode("innovation-procurement");
    for (const user of [lars, maria]) {
      const chat = teamsClient(server.url, connector.url, user);
      const forged = await chat.execute("method.save", { methodId: before.id, name: "Kapad", links: "https://evil.example" });
      expect(forged.status).toBe(200);
      expect(sentTexts(chat.conversationId).join("\n")).toContain("Du har inte behörighet att göra det.");
      connector.reset();
      await chat.execute("method.edit", { methodId: before.id });
      expect(sentTexts(chat.conversationId).join("\n")).toContain("Du har inte behörighet att göra det.");
    }
    expect(await methodByCode("innovation-procurement")).toEqual(before);
    expect(await server.app.store.audit.forSubject("method:innovation-procurement")).toHaveLength(0);
  });
});
