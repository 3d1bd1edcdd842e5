// Issue 17 end to end, one server with the web chat, Teams and Slack: what a
// probe did as an attacker or a careless user (link titles, foreign sources,
// floods, deep nesting, replays and double clicks, huge ids, invisible text)
// is answered with 4xx or a polite card, and the database holds what it should.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/index.ts";
import { boltAccepted, boltSettled, trackBolt } from "../helpers/boltSettled.ts";
import { personByEmail } from "../helpers/db.ts";
import { startBotConnector, type BotConnector } from "../helpers/botConnector.ts";
import { cardText, startTestServer, webChat, type TestServer } from "../helpers/server.ts";
import { interaction, modalSubmission, slackRequest, startSlackApi, type SlackApiStandIn } from "../helpers/slackApi.ts";
import { postActivity, teamsClient, teamsUser, TENANT } from "../helpers/teams.ts";

const SECRET = "0123456789abcdef0123456789abcdef";
let server: TestServer;
let store: Store;
let api: SlackApiStandIn;
let connector: BotConnector;

const need = (title: string) => ({
  title,
  problem: "Problem text long enough to be accepted by the form.",
  urgency: "low",
  sustainability: "",
});
const slack = (body: string) => slackRequest(server.url, SECRET, body, { contentType: "application/x-www-form-urlencoded" });
const needsTitled = async (title: string) => (await store.db.need.findMany({ where: { title } })).length;

beforeAll(async () => {
  trackBolt();
  api = await startSlackApi();
  api.users.set("ULARS", { id: "ULARS", name: "Lars Andersson", email: "lars.andersson@stockholm.example", locale: "sv-SE" });
  connector = await startBotConnector();
  server = await startTestServer({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: "xoxb-test", SLACK_API_URL: api.url });
  store = await openStore(server.databaseUrl, { migrate: false });
  const peter = teamsUser("peter", "Peter Holm");
  connector.members.set(peter.id, { ...peter, email: "peter.holm@stockholm.example", tenantId: TENANT });
});
afterAll(async () => {
  await store.close();
  await server.cleanup();
  await api.close();
  await connector.close();
});

describe("finding 1 and 2: what a need shows", () => {
  it("stores a link title as typed, shows it escaped, and drops a foreign source link", async () => {
    const lars = await personByEmail(store, "lars.andersson");
    const chat = webChat(server.url, lars.id);
    const title = "[Log in here](https://evil.example/login)";
    const created = await chat.click("need.submit", { ...need(title), skipSimilar: true, sourceUrl: "https://evil.example/login" });
    expect(cardText(created.replace)).toMatch(/N-\d{4}-\d{4}/);
    const stored = (await store.db.need.findFirst({ where: { title } }))!;
    expect(stored.sourceUrl).toBeNull();
    const view = await chat.click("need.view", { needId: stored.id });
    const json = JSON.stringify(view.cards[0]);
    expect(json).toContain("\\\\[Log in here\\\\](https://evil.example/login)");
    expect(json).not.toContain("Action.OpenUrl");
  });
});

describe("finding 5: refusals are audited briefly and not without limit", () => {
  it("stores a bounded summary of a 60,000-character forged payload, and at most 30 rows a minute per person", async () => {
    const fatima = await personByEmail(store, "fatima.ali");
    const chat = webChat(server.url, fatima.id);
    const before = await store.db.auditLog.count({ where: { actorId: fatima.id } });
    const res = await fetch(`${server.url}/web/api/turn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ personId: fatima.id, action: { verb: "admin.coordinatorGrant", data: { email: "x".repeat(60_000) } } }),
    });
    expect(res.status).toBe(200);
    const [row] = await store.db.auditLog.findMany({ where: { actorId: fatima.id }, orderBy: { id: "desc" }, take: 1 });
    expect(row!.after!.length).toBeLessThan(1300);
    expect(JSON.parse(row!.after!)).toMatchObject({ verb: "role.grant", size: 60_012, keys: 1 });
    for (let i = 0; i < 40; i++) await chat.click("admin.overview");
    expect((await store.db.auditLog.count({ where: { actorId: fatima.id } })) - before).toBe(30);
  });
});

describe("finding 6: deep nesting is refused at parse time on every channel", () => {
  const deep = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
  it("web chat: 400", async () => {
    const res = await fetch(`${server.url}/web/api/turn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"personId":1,"action":{"verb":"admin.overview","data":{"x":${deep(10_000)}}}}`,
    });
    expect(res.status).toBe(400);
  });
  it("Teams: 400", async () => {
    const activity = teamsClient(server.url, connector.url, teamsUser("peter", "Peter Holm")).activity({ type: "message", text: "hi" });
    const body = JSON.stringify(activity).replace(/}$/, `,"value":{"verb":"admin.overview","data":${deep(20_000)}}}`);
    expect((await postActivity(server.url, body)).status).toBe(400);
  });
  it("Slack: 400", async () => {
    const body = `payload=${encodeURIComponent(`{"type":"block_actions","x":${deep(20_000)}}`)}`;
    expect((await slack(body)).status).toBe(400);
  });
});

describe("finding 7: one submission of one form makes one need", () => {
  it("web chat: a double click (the same card's turnId) creates one need", async () => {
    const lars = await personByEmail(store, "lars.andersson");
    const chat = webChat(server.url, lars.id);
    const body = { personId: lars.id, turnId: "card-1", action: { verb: "need.submit", data: { ...need("Double click need"), skipSimilar: true } } };
    const [a, b] = await Promise.all([chat.post(body), chat.post(body)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await needsTitled("Double click need")).toBe(1);
    expect([cardText(a.body.replace), cardText(b.body.replace)].join("\n")).toContain("redan skickat");
    // A form that came back with errors may be sent again, corrected.
    const bad = { ...body, turnId: "card-2", action: { verb: "need.submit", data: { ...need(""), skipSimilar: true } } };
    expect((await chat.post(bad)).body.fieldErrors).toHaveProperty("title");
    await chat.post({ ...bad, action: { verb: "need.submit", data: { ...need("Corrected need"), skipSimilar: true } } });
    expect(await needsTitled("Corrected need")).toBe(1);
  });

  it("Slack: a signed view_submission replayed three times creates one need", async () => {
    const body = modalSubmission(
      "ULARS",
      { id: "VREPLAY", hash: "1700000000.abc", verb: "need.submit", data: { skipSimilar: true } },
      { title: "Replayed Slack need", problem: "Problem text long enough to be accepted by the form." },
      { urgency: "low" },
    );
    for (let i = 0; i < 3; i++) expect((await slack(body)).status).toBe(200);
    // A replay may be answered before its listener has finished: count once all three have.
    await boltSettled();
    expect(await needsTitled("Replayed Slack need")).toBe(1);
  });

  it("Slack: a replayed block_actions is handled once", async () => {
    const stored = (await store.db.need.findFirst({ where: { title: "Replayed Slack need" } }))!;
    const anna = await personByEmail(store, "anna.lindqvist");
    api.users.set("UANNA", { id: "UANNA", name: "Anna Lindqvist", email: anna.email!, locale: "sv-SE" });
    const body = interaction("block_actions", "UANNA", {
      container: { type: "message", channel_id: "D0ANNA", message_ts: "1700000000.000100" },
      channel: { id: "D0ANNA", name: "directmessage" },
      actions: [{ type: "button", block_id: "b", action_id: "b0", action_ts: "1700000001.000200", value: JSON.stringify({ verb: "need.support", needId: stored.id }) }],
    });
    const events = async () => store.db.needEvent.count({ where: { needId: stored.id, kind: "supported" } });
    const accepted = boltAccepted();
    for (let i = 0; i < 3; i++) expect((await slack(body)).status).toBe(200);
    // Bolt answers first and runs the listener after: all three reached it; wait until all three have finished.
    expect(boltAccepted()).toBe(accepted + 3);
    await boltSettled();
    const inbound = await store.db.inboundEvent.count({ where: { platform: "slack", eventId: { startsWith: "action:UANNA:" } } });
    expect(inbound).toBe(1);
    expect(await events()).toBe(1);
  });

  it("Teams: two clicks on the same card's submit make one need", async () => {
    const chat = teamsClient(server.url, connector.url, teamsUser("peter", "Peter Holm"));
    const data = { ...need("Teams double submit"), skipSimilar: true };
    await Promise.all([chat.submit("card-activity-1", "need.submit", data), chat.submit("card-activity-1", "need.submit", data)]);
    expect(await needsTitled("Teams double submit")).toBe(1);
  });
});

describe("finding 8: cadence in admin", () => {
  it("refuses a cadence that pings more than once a day, with the field marked and nothing changed", async () => {
    const erik = await personByEmail(store, "erik.johansson");
    const wp = (await store.workPackages.active())[0]!;
    const reply = await webChat(server.url, erik.id).click("admin.wpSave", { workPackageId: wp.id, lead: "", cadence: "*/5 * * * *" });
    expect(reply.fieldErrors).toHaveProperty("cadence");
    expect((await store.workPackages.byCode(wp.code))!.cadence).toBe(wp.cadence);
  });
});

describe("finding 9: ids out of range", () => {
  it("the inbox answers 400, a need 1e308 is not found, an assignment of 20 digits is a field error", async () => {
    for (const q of ["personId=1e308", "personId=99999999999999999999", "personId=1&after=1e308"]) {
      expect((await fetch(`${server.url}/web/api/inbox?${q}`)).status).toBe(400);
    }
    const anna = await personByEmail(store, "anna.lindqvist");
    const chat = webChat(server.url, anna.id);
    expect(cardText((await chat.click("need.view", { needId: 1e308 })).cards[0])).toContain("Det gick inte att hitta");
    const stored = (await store.db.need.findFirst({ where: { status: "submitted" } }))!;
    const accept = await chat.click("triage.accept", { needId: stored.id, version: stored.version, assignTo: "wp:99999999999999999999" });
    expect(accept.fieldErrors).toHaveProperty("assignTo");
    const res = await webChat(server.url, 1).post({ personId: 1e308, text: "hej" });
    expect(res.status).toBe(400);
  });
});

describe("finding 10: invisible titles", () => {
  it("refuses a title of zero-width spaces with a field error and keeps the rest of the input", async () => {
    const lars = await personByEmail(store, "lars.andersson");
    const reply = await webChat(server.url, lars.id).click("need.submit", { ...need("\u200B\u200B\u200B\u200B"), skipSimilar: true });
    expect(reply.fieldErrors).toHaveProperty("title");
    expect(JSON.stringify(reply.replace)).toContain("Problem text long enough");
  });
});

describe("finding 4: what is stored about me, in chat", () => {
  it("lists roles in work packages, history, status updates, audit entries and messages", async () => {
    const maria = await personByEmail(store, "maria.svensson");
    const text = cardText((await webChat(server.url, maria.id).say("inställningar")).cards[0]);
    for (const label of ["Arbetspaket (ledare, ersättare)", "Poster i behovens historik", "Skrivna lägesrapporter", "Poster i granskningsloggen", "Sparade meddelanden till dig"]) {
      expect(text).toContain(label);
    }
    expect(text).toMatch(/WP\d \(ledare\)/);
  });
});
