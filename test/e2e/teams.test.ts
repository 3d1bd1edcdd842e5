// Teams end to end: real Bot Framework activities over HTTP to /api/messages,
// answered through botbuilder's CloudAdapter to a loopback Bot Connector.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DeliveryError } from "../../src/bots/delivery.ts";
import { createOutboxWorker } from "../../src/jobs/outbox.ts";
import { noticeCard } from "../../src/cards/messages.ts";
import { cardProblems } from "../../src/cards/validate.ts";
import { startBotConnector, type BotConnector } from "../helpers/botConnector.ts";
import { cardText, findAction, startTestServer, type TestServer } from "../helpers/server.ts";
import { BOT, cardOf, postActivity, teamsClient, teamsUser, TENANT } from "../helpers/teams.ts";

let server: TestServer;
let connector: BotConnector;

const validNeed = {
  title: "Bokning av idrottshallar för föreningar",
  problem: "Föreningar måste mejla varje idrottshall för sig för att boka tider, och dubbelbokningar upptäcks först på plats.",
  affected: "Idrottsföreningar och fritidsförvaltningen",
  benefit: "Färre dubbelbokningar och mindre administration",
  sustainability: "social",
  urgency: "medium",
};

const lars = teamsUser("lars", "Lars Andersson");
const peter = teamsUser("peter", "Peter Holm");

beforeAll(async () => {
  connector = await startBotConnector();
  server = await startTestServer();
  connector.members.set(lars.id, { ...lars, email: "Lars.Andersson@stockholm.example", userPrincipalName: "lars.andersson@stockholm.example", tenantId: TENANT });
  connector.members.set(peter.id, { ...peter, email: "peter.holm@stockholm.example", tenantId: TENANT });
});
afterAll(async () => {
  await server?.cleanup();
  await connector?.close();
});
beforeEach(() => connector.reset());

describe("Teams 1:1 chat", () => {
  it("greets on install once, links the person by the roster's e-mail and stores the conversation", async () => {
    const chat = teamsClient(server.url, connector.url, lars);
    expect((await chat.install()).status).toBe(200);
    const [welcome] = connector.sent(chat.conversationId);
    expect(cardText(cardOf(welcome))).toContain("Välkommen till Samordna, Lars");
    expect(cardText(cardOf(welcome))).toContain("nytt behov");
    // Teams also sends installationUpdate on install: no second welcome.
    expect((await chat.installationUpdate("add")).status).toBe(200);
    expect(connector.sent(chat.conversationId)).toHaveLength(1);

    const seeded = await server.app.store.people.byEmail("lars.andersson@stockholm.example");
    const account = await server.app.store.people.account("teams", TENANT, lars.aadObjectId);
    expect(account?.personId).toBe(seeded!.id);
    expect(JSON.parse(account!.conversationRef!)).toMatchObject({ serviceUrl: connector.url, conversation: { id: chat.conversationId, conversationType: "personal" }, user: { id: lars.id } });
  });

  it("takes the name from the roster when the install event carries none (as the Agents Playground sends it)", async () => {
    const alex = teamsUser("alex", "Alex Wilber");
    connector.members.set(alex.id, { ...alex, email: "alex.wilber@contoso.example", tenantId: TENANT });
    const chat = teamsClient(server.url, connector.url, { id: alex.id, aadObjectId: alex.aadObjectId } as never);
    expect((await chat.install()).status).toBe(200);
    expect(cardText(cardOf(connector.sent(chat.conversationId)[0]))).toContain("Välkommen till Samordna, Alex");
    expect((await server.app.store.people.byEmail("alex.wilber@contoso.example"))?.displayName).toBe("Alex Wilber");
  });

  it("creates a new person on first contact whatever the activity, with the activity's locale", async () => {
    const nora = teamsUser("nora", "Nora Berglund");
    const chat = teamsClient(server.url, connector.url, nora, { locale: "en-GB" });
    await chat.say("help");
    const reply = connector.sent(chat.conversationId);
    expect(cardText(cardOf(reply[0]))).toContain("What Samordna does");
    const account = await server.app.store.people.account("teams", TENANT, nora.aadObjectId);
    const person = await server.app.store.people.byId(account!.personId);
    expect(person).toMatchObject({ displayName: "Nora Berglund", locale: "en", email: null, roles: ["employee"] });
  });

  it("shows typing while an answer takes more than a moment", async () => {
    const slow = teamsUser("slow", "Sara Nilsson");
    connector.members.set(slow.id, { ...slow, email: "sara.nilsson@stockholm.example" });
    connector.slowMembers.set(slow.id, 1500);
    const chat = teamsClient(server.url, connector.url, slow);
    await chat.say("hjälp");
    const sent = connector.sent(chat.conversationId, { typing: true });
    expect(sent.map((a) => a.type)).toEqual(["typing", "message"]);
    expect(cardText(cardOf(sent[1]))).toContain("Vad Samordna gör");
  });

  it("reports a need: the form, the refreshed card after adaptiveCard/action, my needs", async () => {
    const chat = teamsClient(server.url, connector.url, lars);
    expect((await chat.say("nytt behov")).status).toBe(200);
    const [formMessage] = connector.sent(chat.conversationId);
    const form = cardOf(formMessage);
    expect(cardText(form)).toContain("Rapportera ett innovationsbehov");
    expect(cardProblems(form)).toEqual([]);
    const submit = JSON.stringify(form).match(/"type":"Action.Execute","title":"[^"]+","verb":"need.submit"[^]*?"fallback":\{"type":"Action.Submit"/);
    expect(submit).not.toBeNull();

    const created = await chat.execute("need.submit", { ...findAction(form, "need.submit")!.data, ...validNeed });
    expect(created.status).toBe(200);
    expect(created.body.statusCode).toBe(200);
    expect(created.body.type).toBe("application/vnd.microsoft.card.adaptive");
    const text = cardText(created.body.value);
    const reference = /N-\d{4}-\d{4}/.exec(text)![0];
    expect(text).toContain(`Tack! Ditt behov har nummer ${reference}`);
    // The result has no submit button left: the form cannot be sent twice.
    expect(findAction(created.body.value, "need.submit")).toBeUndefined();

    connector.reset();
    await chat.say("mina behov");
    const mine = cardOf(connector.sent(chat.conversationId)[0]);
    expect(cardText(mine)).toContain(reference);
    expect(cardText(mine)).toContain(validNeed.title);
  });

  it("returns the same form with input kept and errors shown, storing nothing", async () => {
    const chat = teamsClient(server.url, connector.url, lars);
    const before = await server.app.store.db.need.count();
    const reply = await chat.execute("need.submit", { title: "Ab", problem: "", affected: "Eleverna", urgency: "urgent" });
    expect(reply.status).toBe(200);
    expect(reply.body.type).toBe("application/vnd.microsoft.card.adaptive");
    const form = JSON.stringify(reply.body.value);
    expect(form).toContain('"value":"Eleverna"');
    expect(form).toContain('"errorMessage":"Skriv minst 3 tecken."');
    expect(cardText(reply.body.value)).toContain("Rätta de markerade fälten.");
    expect(await server.app.store.db.need.count()).toBe(before);
  });

  it("handles the Action.Submit fallback: the submitted card is updated in place", async () => {
    const chat = teamsClient(server.url, connector.url, lars);
    expect((await chat.submit("card-message-1", "need.submit", { ...validNeed, title: "Fallback need for old clients", skipSimilar: true })).status).toBe(200);
    const update = connector.calls.find((c) => c.kind === "update");
    expect(update).toMatchObject({ method: "PUT", conversationId: chat.conversationId, activityId: "card-message-1" });
    expect(cardText(cardOf(update!.body))).toMatch(/Tack! Ditt behov har nummer N-\d{4}-\d{4}/);
    expect(connector.sent(chat.conversationId)).toHaveLength(0);
  });

  it("handles the same activity once", async () => {
    const chat = teamsClient(server.url, connector.url, lars);
    const message = chat.activity({ type: "message", text: "hjälp" });
    expect((await chat.post(message)).status).toBe(200);
    expect((await chat.post(message)).status).toBe(200);
    expect(connector.sent(chat.conversationId)).toHaveLength(1);

    const before = await server.app.store.db.need.count();
    const click = chat.activity({
      type: "invoke",
      name: "adaptiveCard/action",
      value: { action: { type: "Action.Execute", verb: "need.submit", data: { verb: "need.submit", ...validNeed, title: "Only once please", skipSimilar: true } } },
    });
    const first = await chat.post(click);
    const second = await chat.post(click);
    expect(first.body.type).toBe("application/vnd.microsoft.card.adaptive");
    // A need submit is keyed by the need itself (issue 19): the retry shows the need the first delivery saved.
    const reference = /N-\d{4}-\d{4}/.exec(cardText(first.body.value))![0];
    expect(second.body.type).toBe("application/vnd.microsoft.card.adaptive");
    expect(cardText(second.body.value)).toContain(`Det här är redan skickat, inget mer gjordes: ditt behov har nummer ${reference}`);
    expect(await server.app.store.db.need.count()).toBe(before + 1);

    // A retried first submit (similar needs not yet shown) is a repeat too, not a need "similar" to itself.
    const unchecked = chat.activity({
      type: "invoke",
      name: "adaptiveCard/action",
      value: { action: { type: "Action.Execute", verb: "need.submit", data: { verb: "need.submit", ...validNeed, title: "Snöröjning vid skolornas entréer", problem: "Entréerna till tre skolor plogas först vid lunch, efter att eleverna kommit." } } },
    });
    const checked = cardText((await chat.post(unchecked)).body.value);
    const saved = /N-\d{4}-\d{4}/.exec(checked)![0];
    expect(cardText((await chat.post(unchecked)).body.value)).toContain(`Det här är redan skickat, inget mer gjordes: ditt behov har nummer ${saved}`);
    expect(await server.app.store.db.need.count()).toBe(before + 2);

    // Any other invoke is handled once by the activity's own record.
    const mine = chat.activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: "need.mine", data: { verb: "need.mine" } } } });
    expect((await chat.post(mine)).body).not.toMatchObject({ value: "Det klicket är redan hanterat." });
    expect((await chat.post(mine)).body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.activity.message", value: "Det klicket är redan hanterat." });
  });

  it("refuses another person's need, unknown verbs and unknown invokes clearly, changing nothing", async () => {
    const larsChat = teamsClient(server.url, connector.url, lars);
    const peterChat = teamsClient(server.url, connector.url, peter, { locale: "en-US" });
    await larsChat.say("mina behov");
    const larsNeed = findAction(cardOf(connector.sent(larsChat.conversationId)[0]), "need.view")!.data;

    const forged = await peterChat.execute("need.withdraw", larsNeed);
    expect(forged.status).toBe(200);
    expect(forged.body.type).toBe("application/vnd.microsoft.activity.message");
    expect(cardText(cardOf(connector.sent(peterChat.conversationId)[0]))).toContain("You are not allowed to do that.");
    const need = await server.app.store.db.need.findUniqueOrThrow({ where: { id: Number(larsNeed.needId) } });
    expect(need.status).not.toBe("withdrawn");

    connector.reset();
    await peterChat.execute("need.explode", {});
    expect(cardText(cardOf(connector.sent(peterChat.conversationId)[0]))).toContain("I do not know that action");

    const unknownInvoke = await peterChat.post(peterChat.activity({ type: "invoke", name: "composeExtension/query", value: {} }));
    expect(unknownInvoke.status).toBe(400);
    const noVerb = await peterChat.post(peterChat.activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute" } } }));
    expect(noVerb.status).toBe(400);
    expect(noVerb.body.value.message).toContain("could not be read");
  });

  it("answers bodies that are not activities and unknown activity types with 400", async () => {
    const chat = teamsClient(server.url, connector.url, lars);
    expect((await postActivity(server.url, "{not json")).status).toBe(400);
    expect((await postActivity(server.url, { hello: "world" })).status).toBe(400);
    expect((await postActivity(server.url, [1, 2])).status).toBe(400);
    expect((await chat.post(chat.activity({ type: "explode" }))).status).toBe(400);
    expect((await chat.post(chat.activity({ serviceUrl: "file:///etc/passwd", type: "message", text: "hi" }))).status).toBe(400);
    // Known types with nothing to do are acknowledged.
    expect((await chat.post(chat.activity({ type: "typing" }))).status).toBe(200);
    expect((await chat.post(chat.activity({ type: "messageReaction", reactionsAdded: [{ type: "like" }] }))).status).toBe(200);
    expect(connector.sent(chat.conversationId)).toHaveLength(0);
  });
});

describe("Teams channels", () => {
  const channel = { id: "19:innovation@thread.tacv2", teamId: "19:team-innovation@thread.tacv2", teamName: "Innovation Stockholm" };

  it("welcomes the team, strips the @mention before matching, and takes channel digests", async () => {
    const chat = teamsClient(server.url, connector.url, teamsUser("anna", "Anna Lindqvist"), { channel });
    connector.members.set("29:anna", { id: "29:anna", name: "Anna Lindqvist", aadObjectId: "aad-anna", email: "anna.lindqvist@stockholm.example" });
    await chat.install();
    expect(cardText(cardOf(connector.sent(chat.conversationId)[0]))).toContain("Välkommen till Samordna, Innovation Stockholm");
    // The roster of a team is asked through the team id.
    expect(connector.calls.some((c) => c.kind === "member" && c.conversationId === channel.teamId)).toBe(true);

    connector.reset();
    await chat.say("hjälp");
    expect(cardText(cardOf(connector.sent(chat.conversationId)[0]))).toContain("Vad Samordna gör");

    const teams = server.app.deliverers.get("teams")!;
    const delivered = await teams.deliver({ kind: "channel", id: channel.id }, noticeCard("Veckans sammanfattning"));
    const posted = connector.sent(channel.id);
    expect(posted).toHaveLength(1);
    expect(cardText(cardOf(posted[0]))).toBe("Veckans sammanfattning");
    expect(JSON.parse(delivered.ref).activityId).toMatch(/^sent-/);

    await expect(teams.deliver({ kind: "channel", id: "19:never-seen@thread.tacv2" }, noticeCard("x"))).rejects.toMatchObject({ failure: "permanent" });
  });
});

describe("Teams proactive delivery", () => {
  async function target(aadObjectId: string) {
    const account = (await server.app.store.people.account("teams", TENANT, aadObjectId))!;
    const person = (await server.app.store.people.byId(account.personId))!;
    return { kind: "person" as const, person, account };
  }

  it("continues the 1:1 chat and updates the sent card in place", async () => {
    const chat = teamsClient(server.url, connector.url, peter, { locale: "en-US" });
    await chat.say("help");
    connector.reset();
    const teams = server.app.deliverers.get("teams")!;
    const delivered = await teams.deliver(await target(peter.aadObjectId), noticeCard("Time for your status update"));
    const [ping] = connector.sent(chat.conversationId);
    expect(cardText(cardOf(ping))).toBe("Time for your status update");
    expect(ping.recipient).toMatchObject({ id: peter.id });

    await teams.update!(delivered.ref, noticeCard("Status received, thank you"));
    const update = connector.calls.find((c) => c.kind === "update")!;
    expect(update.conversationId).toBe(chat.conversationId);
    expect(update.activityId).toBe(JSON.parse(delivered.ref).activityId);
    expect(cardText(cardOf(update.body))).toBe("Status received, thank you");
  });

  it("in development mode, sends nothing to a stored conversation whose serviceUrl is not loopback", async () => {
    const eva = teamsUser("eva-remote", "Eva Remote");
    const chat = teamsClient(server.url, connector.url, eva);
    await chat.say("hjälp");
    const { account, ...rest } = await target(eva.aadObjectId);
    const remote = { ...JSON.parse(account.conversationRef!), serviceUrl: "https://smba.trafficmanager.net/emea/" };
    await server.app.store.people.setConversationRef(account.id, JSON.stringify(remote));
    connector.reset();
    const teams = server.app.deliverers.get("teams")!;
    const moved = { ...rest, account: { ...account, conversationRef: JSON.stringify(remote) } };
    await expect(teams.deliver(moved, noticeCard("x"))).rejects.toMatchObject({ failure: "permanent", message: expect.stringMatching(/loopback serviceUrl/) });
    const sent = JSON.stringify({ ref: remote, activityId: "sent-1" });
    await expect(teams.update!(sent, noticeCard("x"))).rejects.toMatchObject({ failure: "permanent" });
    expect(connector.calls).toEqual([]);
  });

  it("creates the 1:1 chat for a person first seen in a channel", async () => {
    const oskar = teamsUser("oskar", "Oskar Karlsson");
    const chat = teamsClient(server.url, connector.url, oskar, { channel: { id: "19:wp4@thread.tacv2", teamId: "19:wp4-team@thread.tacv2", teamName: "WP4" } });
    await chat.say("hjälp");
    connector.reset();
    const teams = server.app.deliverers.get("teams")!;
    await teams.deliver(await target(oskar.aadObjectId), noticeCard("Dags för statusrapport"));
    const create = connector.calls.find((c) => c.kind === "create")!;
    expect(create.body).toMatchObject({ isGroup: false, members: [{ id: oskar.id }], bot: { id: BOT.id }, tenantId: TENANT });
    const createdId = (connector.calls.find((c) => c.kind === "send")!).conversationId;
    expect(createdId).toMatch(/^a:created-/);
    const account = (await server.app.store.people.account("teams", TENANT, oskar.aadObjectId))!;
    const ref = JSON.parse(account.conversationRef!);
    expect(ref.conversation).toMatchObject({ id: createdId, conversationType: "personal" });
    expect(cardText(cardOf(connector.sent(ref.conversation.id)[0]))).toBe("Dags för statusrapport");
  });

  it("marks a person who removed the app unreachable (403) and reports 429 with Retry-After", async () => {
    const karin = teamsUser("karin", "Karin Ek");
    const chat = teamsClient(server.url, connector.url, karin);
    await chat.say("hjälp");
    const teams = server.app.deliverers.get("teams")!;

    connector.failures.set(chat.conversationId, { status: 429, headers: { "Retry-After": "1" } });
    const limited = await teams.deliver(await target(karin.aadObjectId), noticeCard("ping")).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(DeliveryError);
    expect(limited).toMatchObject({ failure: "rate_limited", retryAfterMs: 1000 });

    connector.failures.set(chat.conversationId, { status: 403, code: "ConversationBlockedByUser" });
    const gone = await teams.deliver(await target(karin.aadObjectId), noticeCard("ping")).catch((e: unknown) => e);
    expect(gone).toMatchObject({ failure: "unreachable" });
    // The outbox marks the account: a message to Karin fails, and she is unreachable.
    const { person } = await target(karin.aadObjectId);
    await server.app.store.outbox.enqueue({ dedupeKey: "e2e:blocked", target: `person:${person.id}`, kind: "test.notice", payload: noticeCard("ping") });
    expect(await createOutboxWorker(server.app).drain(new Date())).toMatchObject({ failed: 1 });
    expect((await server.app.store.people.account("teams", TENANT, karin.aadObjectId))!.unreachableAt).toBeInstanceOf(Date);

    // Writing to the bot again makes the person reachable again.
    connector.failures.clear();
    await chat.say("hjälp");
    expect((await server.app.store.people.account("teams", TENANT, karin.aadObjectId))!.unreachableAt).toBeNull();
  });
});

describe("Teams: the same need told in other words", () => {
  it("suggests the earlier Swedish need before the reworded one is saved, and the person supports it instead", async () => {
    const larsChat = teamsClient(server.url, connector.url, lars);
    const first = await larsChat.execute("need.submit", {
      ...validNeed,
      title: "Brist på parkeringsplatser vid vårdcentralen",
      problem: "Patienter med rörelsehinder hittar inga parkeringsplatser nära entrén och kommer för sent till sina tider.",
      skipSimilar: true,
    });
    const reference = /N-\d{4}-\d{4}/.exec(cardText(first.body.value))![0];
    const original = (await server.app.store.needs.byReference(reference))!;
    expect(original.departmentName).toBeTruthy();

    const karin = teamsUser("karin.ek", "Karin Ek");
    connector.members.set(karin.id, { ...karin, email: "karin.ek@stockholm.example", tenantId: TENANT });
    const karinChat = teamsClient(server.url, connector.url, karin);
    const needsBefore = await server.app.store.db.need.count();
    // Another person, another department, other words: inflections, the compound written apart.
    const reply = await karinChat.execute("need.submit", {
      ...validNeed,
      title: "Svårt att hitta platser att parkera på nära vårdcentralen",
      problem: "Besökare som har svårt att gå får ställa bilen långt bort. Det behövs fler platser för parkering närmare ingången.",
    });
    expect(reply.status).toBe(200);
    const suggestion = reply.body.value;
    expect(cardProblems(suggestion)).toEqual([]);
    const text = cardText(suggestion);
    expect(text).toContain("Liknande behov finns redan");
    expect(text).toContain(`**${reference}** Brist på parkeringsplatser vid vårdcentralen`);
    expect(text).toContain(`${original.departmentName} · Inskickat · stödjare: 0`);
    expect(await server.app.store.db.need.count()).toBe(needsBefore);

    const support = findAction(suggestion, "need.support")!;
    expect(support.title).toBe(`Stöd ${reference} i stället`);
    const supported = await karinChat.execute("need.support", support.data);
    expect(cardText(supported.body.value)).toContain(`Du stöder nu ${reference}`);
    const karinAccount = (await server.app.store.people.account("teams", TENANT, karin.aadObjectId))!;
    expect((await server.app.store.needs.byId(original.id))!.supporterCount).toBe(1);
    expect(await server.app.store.db.needSupporter.count({ where: { needId: original.id, personId: karinAccount.personId } })).toBe(1);
    expect(await server.app.store.db.need.count()).toBe(needsBefore);

    // Looking for a need to support goes through the same index.
    connector.reset();
    await karinChat.say("sök behov parkera vid vårdcentralen");
    const found = cardOf(connector.sent(karinChat.conversationId)[0]);
    expect(cardProblems(found)).toEqual([]);
    expect(cardText(found)).toContain("Behov att stödja");
    expect(cardText(found)).toContain(`${original.departmentName} · Inskickat · stödjare: 1`);
    connector.reset();
    await karinChat.say("sök behov hundrastgård i centrum");
    expect(cardText(cardOf(connector.sent(karinChat.conversationId)[0]))).toContain("Inget öppet behov liknar");
  });
});

describe("Teams uninstall", () => {
  it("marks the person unreachable when they remove the app, and reachable again when they add it back", async () => {
    const fatima = teamsUser("fatima", "Fatima Ali");
    const chat = teamsClient(server.url, connector.url, fatima);
    await chat.install();
    const account = () => server.app.store.people.account("teams", TENANT, fatima.aadObjectId);
    expect((await account())!.unreachableAt).toBeNull();
    expect((await chat.installationUpdate("remove")).status).toBe(200);
    expect((await account())!.unreachableAt).toBeInstanceOf(Date);
    expect((await chat.installationUpdate("add")).status).toBe(200);
    expect((await account())!.unreachableAt).toBeNull();
    // Greeted on the first install only.
    expect(connector.sent(chat.conversationId)).toHaveLength(1);
  });
});

describe("Teams with credentials", () => {
  it("rejects requests without a valid token with 401 and stores nothing", async () => {
    const secured = await startTestServer({ MicrosoftAppId: "00000000-0000-0000-0000-000000000001", MicrosoftAppPassword: "not-a-real-secret" });
    try {
      const chat = teamsClient(secured.url, connector.url, teamsUser("intruder", "Intruder"));
      const people = await secured.app.store.db.person.count();
      expect((await chat.say("hjälp")).status).toBe(401);
      expect((await chat.post(chat.activity({ type: "message", text: "hjälp" }), { authorization: "Bearer not.a.jwt" })).status).toBe(401);
      expect((await chat.post(chat.activity({ type: "message", text: "hjälp" }), { authorization: "Basic dXNlcjpwYXNz" })).status).toBe(401);
      expect(await secured.app.store.db.person.count()).toBe(people);
      expect(await secured.app.store.db.inboundEvent.count()).toBe(0);
      expect(connector.calls).toHaveLength(0);
    } finally {
      await secured.cleanup();
    }
  });
});
