// Announcements end to end: composed in the web chat by a communicator,
// queued through the outbox, delivered by the real Teams and Slack channels to
// the Bot Connector and Slack Web API stand-ins; the report's counts, the
// "I have read it" button, cancel, a second send and an employee's forged
// actions. Issue 16, part 2.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANNOUNCEMENT_CHANNELS_SETTING } from "../../src/domain/announcements.ts";
import { createOutboxWorker } from "../../src/jobs/outbox.ts";
import { openStore, type Store } from "../../src/store/index.ts";
import { startBotConnector, type BotConnector } from "../helpers/botConnector.ts";
import { runCliCaptured } from "../helpers/cli.ts";
import { personByEmail } from "../helpers/db.ts";
import { cardText, findAction, startTestServer, webChat, type TestServer } from "../helpers/server.ts";
import { form, interaction, slackRequest, startSlackApi, TEAM_ID, type SlackApiStandIn } from "../helpers/slackApi.ts";
import { cardOf, teamsClient, teamsUser, TENANT } from "../helpers/teams.ts";

const SECRET = "00112233445566778899aabbccddeeff";
const NEWS_SLACK = "slack:C0NEWS";
const NEWS_TEAMS = "teams:19:news@thread.tacv2";

let server: TestServer;
let store: Store;
let api: SlackApiStandIn;
let connector: BotConnector;
let communicator: ReturnType<typeof webChat>;
let department: { id: number; members: { id: number; email: string; locale: string; platform: "teams" | "slack"; address: string }[] };

/** The form's data for an announcement to `department` and both news channels. */
function composed(extra: Record<string, unknown> = {}) {
  return {
    title_sv: "Ny innovationsplattform",
    text_sv: "Läs om **plattformen**.",
    title_en: "New innovation platform",
    text_en: "Read about the **platform**.",
    linkUrl: "https://start.stockholm/innovation",
    acknowledge: "true",
    everyone: "false",
    departments: String(department.id),
    channels: `${NEWS_SLACK},${NEWS_TEAMS}`,
    ...extra,
  };
}

/** Composes, previews and sends; returns the announcement id. */
async function announce(extra: Record<string, unknown> = {}): Promise<{ id: number; sendReply: Awaited<ReturnType<typeof communicator.click>> }> {
  const preview = await communicator.click("announce.preview", composed(extra));
  const send = findAction(preview.cards[1], "announce.send");
  expect(send, cardText(preview.cards)).toBeDefined();
  const sendReply = await communicator.click("announce.send", send!.data);
  return { id: Number(send!.data.announcementId), sendReply };
}

const drain = () => createOutboxWorker(server.app, { concurrency: 1 }).drain(new Date(Date.now() + 1000));
const teamsSends = (conversation: string) => connector.sent(conversation).map((a) => cardText(cardOf(a)));
const slackPosts = (channel: string) => api.callsTo("chat.postMessage").filter((c) => c.body.channel === channel).map((c) => JSON.stringify(c.body.blocks));

beforeAll(async () => {
  api = await startSlackApi();
  connector = await startBotConnector();
  server = await startTestServer({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: "xoxb-test", SLACK_API_URL: api.url });
  store = await openStore(server.databaseUrl, { migrate: false });
  await store.settings.set(ANNOUNCEMENT_CHANNELS_SETTING, [NEWS_SLACK, NEWS_TEAMS]);
  const karin = await personByEmail(store, "karin.ek");
  await store.people.addRole(karin.id, "communicator");
  communicator = webChat(server.url, karin.id);

  // The department of Lars (TK): its members reach the bot on Teams and Slack, alternately.
  const lars = await personByEmail(store, "lars.andersson");
  for (const [name, locale] of [["Tove Lund", "en"], ["Omar Haddad", "sv"], ["Emma Wright", "en"]] as const) {
    await store.people.create({ displayName: name, email: `${name.split(" ")[0]!.toLowerCase()}@stockholm.example`, locale, departmentId: lars.departmentId, roles: ["employee"] });
  }
  const rows = await store.db.person.findMany({ where: { departmentId: lars.departmentId }, orderBy: { id: "asc" } });
  expect(rows.length).toBeGreaterThanOrEqual(4);
  department = { id: lars.departmentId!, members: [] };
  for (const [i, p] of rows.entries()) {
    if (i % 2 === 0) {
      const user = teamsUser(`tk${p.id}`, p.displayName);
      connector.members.set(user.id, { ...user, email: p.email, tenantId: TENANT });
      const chat = teamsClient(server.url, connector.url, user);
      await chat.say("help"); // links the account by e-mail and stores the conversation reference
      department.members.push({ id: p.id, email: p.email!, locale: p.locale, platform: "teams", address: chat.conversationId });
    } else {
      await store.people.ensureFromAccount({ platform: "slack", tenantId: TEAM_ID, userId: `UTK${p.id}`, displayName: p.displayName, email: p.email }, { locale: "sv" });
      department.members.push({ id: p.id, email: p.email!, locale: p.locale, platform: "slack", address: `DUTK${p.id}` });
    }
  }
  // The bot is in the Teams news channel (its reference is remembered when it is added).
  await teamsClient(server.url, connector.url, teamsUser("kanal", "Kanal"), { channel: { id: "19:news@thread.tacv2", teamId: "19:team@thread.tacv2", teamName: "Stockholm" } }).install();
  // Someone outside the department, reachable too: must get nothing.
  await store.people.ensureFromAccount({ platform: "slack", tenantId: TEAM_ID, userId: "UFATIMA", displayName: "Fatima Ali", email: "fatima.ali@stockholm.example" }, { locale: "sv" });
});
afterAll(async () => {
  expect(api.invalid).toEqual([]);
  await store.close();
  await server.cleanup();
  await api.close();
  await connector.close();
});

describe("announcements", () => {
  it("shows the compose form with the reach of the chosen audience", async () => {
    const form = await communicator.say("meddelande");
    expect(cardText(form.cards[0])).toContain("Nytt meddelande");
    const counted = await communicator.click("announce.count", { departments: String(department.id), channels: NEWS_SLACK });
    expect(cardText(counted.replace)).toContain(`Når ${department.members.length} personer och 1 kanaler.`);
    // A channel that is not configured is not a choice: refused, not counted or sent to.
    const forged = await communicator.click("announce.count", { departments: String(department.id), channels: "slack:CFORGED" });
    expect(Object.keys(forged.fieldErrors ?? {})).toEqual(["channels"]);
  });

  it("opens the form as a Slack modal from /samordna announce", async () => {
    api.users.set("UKARIN", { id: "UKARIN", name: "karin", email: "karin.ek@stockholm.example", locale: "sv-SE" });
    const body = form({ team_id: TEAM_ID, user_id: "UKARIN", command: "/samordna", text: "announce", trigger_id: "trigger-announce", channel_id: "C0GENERAL", api_app_id: "A0SAMORDNA", response_url: `${api.url}response/1` });
    expect((await slackRequest(server.url, SECRET, body, { contentType: "application/x-www-form-urlencoded" })).status).toBe(200);
    const [open] = await api.waitFor("views.open", (c) => c.body.trigger_id === "trigger-announce");
    const view = open!.body.view as { blocks: unknown[] };
    expect(JSON.stringify(view.blocks)).toContain("Rubrik (svenska)");
    expect(JSON.stringify(view.blocks)).toContain("Trafikkontoret");
  });

  it("marks empty, oversized and non-https fields and stores nothing", async () => {
    const empty = await communicator.click("announce.preview", { everyone: "false" });
    expect(Object.keys(empty.fieldErrors ?? {}).sort()).toEqual(["everyone", "title_sv"]);
    const bad = await communicator.click("announce.preview", composed({ text_en: "x".repeat(2501), linkUrl: "http://insecure.example", imageUrl: "javascript:alert(1)" }));
    expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(["imageUrl", "linkUrl", "text_en"]);
    expect(await store.db.announcement.count()).toBe(0);
  });

  it("refuses an employee's forged announce actions and changes nothing", async () => {
    const lars = webChat(server.url, (await personByEmail(store, "lars.andersson")).id);
    expect(cardText((await lars.say("announce")).cards)).toMatch(/inte behörighet/);
    expect(cardText((await lars.click("announce.preview", composed())).cards)).toMatch(/inte behörighet/);
    expect(await store.db.announcement.count()).toBe(0);
  });

  it("reaches exactly the department's members, each once in their language, and the channels; the report matches", async () => {
    const { id, sendReply } = await announce();
    expect(cardText(sendReply.replace)).toContain(`Meddelande ${id}`);
    // A second send of the same announcement is refused and queues nothing more.
    const again = await communicator.click("announce.send", { announcementId: id });
    expect(cardText([...again.cards, again.replace])).toContain("Det går inte längre");
    expect(await store.db.outboxMessage.count({ where: { dedupeKey: { startsWith: `announcement:${id}:` } } })).toBe(department.members.length + 2);

    const teamsBefore = new Map(department.members.map((m) => [m.address, teamsSends(m.address).length]));
    await drain();
    for (const m of department.members) {
      const title = m.locale === "en" ? "New innovation platform" : "Ny innovationsplattform";
      const other = m.locale === "en" ? "Ny innovationsplattform" : "New innovation platform";
      const got = m.platform === "teams" ? teamsSends(m.address).slice(teamsBefore.get(m.address)) : slackPosts(m.address);
      expect(got, `${m.email} on ${m.platform}`).toHaveLength(1);
      expect(got[0]).toContain(title);
      expect(got[0]).not.toContain(other);
    }
    expect(slackPosts("C0NEWS")).toHaveLength(1);
    expect(teamsSends("19:news@thread.tacv2")).toHaveLength(1);
    expect(slackPosts("DUFATIMA")).toHaveLength(0);

    // One recipient reads it.
    const reader = department.members[0]!;
    const readerChat = webChat(server.url, reader.id);
    expect(cardText((await readerChat.click("announce.acknowledge", { announcementId: id })).cards)).toMatch(/noterat|noted/);
    expect(cardText((await readerChat.click("announce.acknowledge", { announcementId: id })).cards)).toMatch(/redan|already/);

    const report = await communicator.click("announce.report", { announcementId: id });
    const text = cardText(report.replace);
    const delivered = department.members.length + 2;
    expect(text).toContain("skickat");
    expect(text).toMatch(new RegExp(`Skickade\\s*${delivered - 1}\\b`));
    expect(text).toMatch(/Lästa \(kvitterade\)\s*1\b/);
    expect(text).toMatch(/I kö\s*0\b/);

    process.env.DATABASE_URL = server.databaseUrl;
    const csv = await runCliCaptured("announcements", "report", String(id), "--format", "csv").finally(() => delete process.env.DATABASE_URL);
    expect(csv.code).toBe(0);
    expect(csv.out[0]).toBe("target,locale,outcome,error");
    expect(csv.out).toHaveLength(delivered + 1);
    expect(csv.out).toContain(`"person:${reader.id}","${reader.locale}","acknowledged",""`);
    expect(csv.out.filter((l) => l.includes('"sent"'))).toHaveLength(delivered - 1);
  });

  it("keeps the author's report current: Teams refreshes the card, Slack's message is updated by the job", async () => {
    const { runJob } = await import("../../src/jobs/scheduler.ts");
    const { announcementsJob } = await import("../../src/jobs/announcements.ts");
    const karin = await personByEmail(store, "karin.ek");
    const delivered = department.members.length + 2;
    /** The number a Slack message shows after a label (fields render as "*label*\nvalue"). */
    const slackCount = (call: { body: Record<string, unknown> } | undefined, label: string) => {
      const m = new RegExp(`${label}[^0-9]*?(\\d+)`).exec(JSON.stringify(call?.body.blocks ?? []));
      return m ? Number(m[1]) : undefined;
    };
    const drafted = async () => {
      const preview = await communicator.click("announce.preview", composed());
      return Number(findAction(preview.cards[1], "announce.send")!.data.announcementId);
    };

    // Teams: Karin sends from her 1:1 chat; the report that replaces the clicked card asks Teams to refresh it for her.
    const karinTeams = teamsUser("karin", "Karin Ek");
    connector.members.set(karinTeams.id, { ...karinTeams, email: karin.email!, tenantId: TENANT });
    const teams = teamsClient(server.url, connector.url, karinTeams);
    await teams.say("help");
    const teamsId = await drafted();
    const sent = await teams.execute("announce.send", { announcementId: teamsId });
    const sentCard = sent.body.value;
    expect(sentCard.refresh).toMatchObject({ action: { type: "Action.Execute", verb: "announce.report", data: { announcementId: teamsId } }, userIds: [karinTeams.id] });
    expect(cardText(sentCard)).toMatch(new RegExp(`I kö\\s*${delivered}\\b`));
    await drain();
    // Teams shows the card again: its automatic refresh gets today's counts.
    const refresh = sentCard.refresh.action;
    const refreshed = await teams.post(teams.activity({ type: "invoke", name: "adaptiveCard/action", value: { action: refresh, trigger: "automatic" } }));
    expect(refreshed.status).toBe(200);
    expect(cardText(refreshed.body.value)).toMatch(new RegExp(`Skickade\\s*${delivered}\\b`));
    expect(cardText(refreshed.body.value)).toMatch(/I kö\s*0\b/);
    expect(refreshed.body.value.refresh.userIds).toEqual([karinTeams.id]);
    // Someone else's refresh of the same card (a forwarded card): refused, no counts.
    const lars = await personByEmail(store, "lars.andersson");
    const larsTeams = teamsUser("lars", "Lars Andersson");
    connector.members.set(larsTeams.id, { ...larsTeams, email: lars.email!, tenantId: TENANT });
    const other = teamsClient(server.url, connector.url, larsTeams);
    const refused = await other.post(other.activity({ type: "invoke", name: "adaptiveCard/action", value: { action: refresh, trigger: "automatic" } }));
    expect(JSON.stringify(refused.body)).not.toMatch(/Skickade/);

    // Slack: Karin clicks "send" in her DM; the report replaces that message and is updated as delivery goes on.
    api.users.set("UKARIN", { id: "UKARIN", name: "karin", email: karin.email!, locale: "sv-SE" });
    const slackId = await drafted();
    const where = { channel: "DUKARIN", ts: "1700000500.000100" };
    const click = interaction("block_actions", "UKARIN", {
      container: { type: "message", channel_id: where.channel, message_ts: where.ts },
      channel: { id: where.channel, name: "directmessage" },
      actions: [{ type: "button", block_id: "b", action_id: "b0", action_ts: "1700000500.200", value: JSON.stringify({ verb: "announce.send", announcementId: slackId }) }],
    });
    expect((await slackRequest(server.url, SECRET, click, { contentType: "application/x-www-form-urlencoded" })).status).toBe(200);
    const updatesOf = () => api.callsTo("chat.update").filter((c) => c.body.channel === where.channel && c.body.ts === where.ts);
    const [first] = await api.waitFor("chat.update", (c) => c.body.channel === where.channel && c.body.ts === where.ts);
    expect(slackCount(first, "I kö")).toBe(delivered);
    await drain();
    await runJob(server.app, announcementsJob, { now: new Date() });
    const last = updatesOf().at(-1);
    expect(updatesOf()).toHaveLength(2);
    expect(slackCount(last, "Skickade")).toBe(delivered);
    expect(slackCount(last, "I kö")).toBe(0);
    // Level-triggered: nothing changed, nothing sent; an acknowledgement changes the counts, so the message follows.
    await runJob(server.app, announcementsJob, { now: new Date() });
    expect(updatesOf()).toHaveLength(2);
    await webChat(server.url, department.members[0]!.id).click("announce.acknowledge", { announcementId: slackId });
    await runJob(server.app, announcementsJob, { now: new Date() });
    expect(updatesOf()).toHaveLength(3);
    expect(slackCount(updatesOf().at(-1), "Lästa \\(kvitterade\\)")).toBe(1);
  });

  it("a cancelled announcement sends nothing more", async () => {
    const { id } = await announce();
    const cancelled = await communicator.click("announce.cancel", { announcementId: id });
    expect(cardText(cancelled.replace)).toContain(`${department.members.length + 2} meddelanden`);
    const calls = connector.calls.length + api.calls.length;
    await drain();
    expect(connector.calls.length + api.calls.length).toBe(calls);
    const report = await communicator.click("announce.report", { announcementId: id });
    expect(cardText(report.replace)).toMatch(/Stoppade \(avbrutet\)\s*\d+/);
    expect(cardText(report.replace)).toMatch(/Skickade\s*0\b/);
  });

  it("schedules for later: the job queues it when due, not before, not after a cancel, and finishes interrupted queuing", async () => {
    const at = new Date(Date.now() + 2 * 86_400_000);
    const day = at.toISOString().slice(0, 10);
    const { id, sendReply } = await announce({ sendDate: day, sendTime: "09:00" });
    expect(cardText(sendReply.replace)).toContain("Schemalagt");
    const { runJob } = await import("../../src/jobs/scheduler.ts");
    const { announcementsJob } = await import("../../src/jobs/announcements.ts");
    await runJob(server.app, announcementsJob, { now: new Date() });
    expect(await store.db.announcementRecipient.count({ where: { announcementId: id } })).toBe(0);
    await runJob(server.app, announcementsJob, { now: new Date(at.getTime() + 86_400_000) });
    expect(await store.db.announcementRecipient.count({ where: { announcementId: id } })).toBe(department.members.length + 2);
    expect((await store.db.announcement.findUniqueOrThrow({ where: { id } })).state).toBe("sent");

    // Queuing that died half-way is finished by the job, once it has been silent for a while.
    const preview = await communicator.click("announce.preview", composed());
    const stalled = Number(findAction(preview.cards[1], "announce.send")!.data.announcementId);
    await store.db.announcement.update({ where: { id: stalled }, data: { state: "sending", updatedAt: new Date() } });
    await runJob(server.app, announcementsJob, { now: new Date() });
    expect(await store.db.announcementRecipient.count({ where: { announcementId: stalled } })).toBe(0);
    await store.db.announcement.update({ where: { id: stalled }, data: { updatedAt: new Date(Date.now() - 10 * 60_000) } });
    await runJob(server.app, announcementsJob, { now: new Date() });
    expect(await store.db.announcementRecipient.count({ where: { announcementId: stalled } })).toBe(department.members.length + 2);
    expect((await store.db.announcement.findUniqueOrThrow({ where: { id: stalled } })).state).toBe("sent");

    const second = await announce({ sendDate: day, sendTime: "10:00" });
    await communicator.click("announce.cancel", { announcementId: second.id });
    await runJob(server.app, announcementsJob, { now: new Date(at.getTime() + 86_400_000) });
    expect(await store.db.announcementRecipient.count({ where: { announcementId: second.id } })).toBe(0);
  });
});
