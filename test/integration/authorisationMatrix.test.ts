// Issue 17: every card verb × every role × every channel, from one table.
// A verb a role may not use is refused on the web chat, in Teams and in
// Slack, and the refusals change nothing in the database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRIAGE_ACTIONS } from "../../src/domain/triage.ts";
import type { Role } from "../../src/domain/types.ts";
import { openStore, type Store } from "../../src/store/index.ts";
import { startBotConnector, type BotConnector } from "../helpers/botConnector.ts";
import { personByEmail } from "../helpers/db.ts";
import { boltAccepted, boltSettled, trackBolt } from "../helpers/boltSettled.ts";
import { cardText, startTestServer, webChat, type TestServer } from "../helpers/server.ts";
import { interaction, slackRequest, startSlackApi, type SlackApiStandIn } from "../helpers/slackApi.ts";
import { teamsClient, teamsUser, TENANT } from "../helpers/teams.ts";

const SECRET = "00112233445566778899aabbccddeeff";
/** One person per role (the demo organisation); the admin is also a coordinator. */
const ACTORS: Record<Role, string> = { employee: "lars.andersson", lead: "maria.svensson", coordinator: "anna.lindqvist", communicator: "karin.ek", admin: "erik.johansson" };
const ALL: Role[] = ["employee", "lead", "coordinator", "communicator", "admin"];
const ANNOUNCERS: Role[] = ["communicator", "coordinator", "admin"];
const TRIAGERS: Role[] = ["coordinator", "admin"];

interface Fixtures {
  /** A submitted need of someone outside ACTORS. */
  need: { id: number; version: number };
  /** A status request of a work package none of ACTORS leads or deputises. */
  requestId: number;
  workPackageId: number;
  outsiderId: number;
  /** A method of a work package none of ACTORS leads or deputises (WP3). */
  methodId: number;
  /** A draft announcement of someone outside ACTORS. */
  announcementId: number;
  /** An unanswered learning-log question to someone outside ACTORS. */
  lessonId: number;
}

/** Who may use each verb on someone else's things; `data` forges the action. */
const MATRIX: Record<string, { allowed: Role[]; data: (f: Fixtures) => Record<string, unknown> }> = {
  "help.show": { allowed: ALL, data: () => ({}) },
  "me.whoAmI": { allowed: ALL, data: () => ({}) },
  "me.settings": { allowed: ALL, data: () => ({}) },
  "me.settingsSave": { allowed: ALL, data: () => ({ locale: "sv" }) },
  "need.new": { allowed: ALL, data: () => ({}) },
  "need.submit": { allowed: ALL, data: () => ({}) },
  "need.mine": { allowed: ALL, data: () => ({}) },
  "need.view": { allowed: ALL, data: (f) => ({ needId: f.need.id }) },
  "need.support": { allowed: ALL, data: (f) => ({ needId: f.need.id }) },
  "need.edit": { allowed: [], data: (f) => ({ needId: f.need.id }) },
  "need.save": { allowed: [], data: (f) => ({ needId: f.need.id, title: "Forged title", problem: "Forged problem text here", urgency: "high" }) },
  "need.withdraw": { allowed: [], data: (f) => ({ needId: f.need.id, version: f.need.version }) },
  "need.reply": { allowed: [], data: (f) => ({ needId: f.need.id, version: f.need.version, answer: "Forged answer" }) },
  "triage.queue": { allowed: TRIAGERS, data: () => ({}) },
  "triage.view": { allowed: TRIAGERS, data: (f) => ({ needId: f.need.id }) },
  "digest.now": { allowed: TRIAGERS, data: () => ({}) },
  ...Object.fromEntries(
    TRIAGE_ACTIONS.map((a) => [
      `triage.${a}`,
      { allowed: TRIAGERS, data: (f: Fixtures) => ({ needId: f.need.id, version: f.need.version, assignTo: `wp:${f.workPackageId}`, note: "Forged note", original: String(f.need.id) }) },
    ]),
  ),
  "status.submit": { allowed: [], data: (f) => ({ requestId: f.requestId, health: "blocked", progress: "Forged" }) },
  "status.noChange": { allowed: [], data: (f) => ({ requestId: f.requestId }) },
  "status.pingAgain": { allowed: TRIAGERS, data: (f) => ({ requestId: f.requestId }) },
  "admin.overview": { allowed: ["admin"], data: () => ({}) },
  "admin.wpEdit": { allowed: ["admin"], data: (f) => ({ workPackageId: f.workPackageId }) },
  "admin.wpSave": { allowed: ["admin"], data: (f) => ({ workPackageId: f.workPackageId, lead: "lars.andersson@stockholm.example", cadence: "0 9 * * 1" }) },
  "admin.wpPause": { allowed: ["admin"], data: (f) => ({ workPackageId: f.workPackageId }) },
  "admin.wpResume": { allowed: ["admin"], data: (f) => ({ workPackageId: f.workPackageId }) },
  "admin.initiativeNew": { allowed: ["admin"], data: () => ({}) },
  "admin.initiativeCreate": { allowed: ["admin"], data: () => ({ title: "Forged initiative", stage: "idea" }) },
  "admin.coordinators": { allowed: ["admin"], data: () => ({}) },
  "admin.coordinatorGrant": { allowed: ["admin"], data: () => ({ email: "lars.andersson@stockholm.example" }) },
  "admin.coordinatorRevoke": { allowed: ["admin"], data: (f) => ({ personId: f.outsiderId }) },
  // Admins and the lead or deputy of the owning work package (none of ACTORS for WP3).
  "method.edit": { allowed: ["admin"], data: (f) => ({ methodId: f.methodId }) },
  "method.save": { allowed: ["admin"], data: (f) => ({ methodId: f.methodId, name: "Forged method", links: "https://forged.example" }) },
  "announce.count": { allowed: ANNOUNCERS, data: () => ({ everyone: "true" }) },
  "announce.preview": { allowed: ANNOUNCERS, data: () => ({ title_sv: "Förfalskat", text_sv: "Förfalskat", everyone: "true" }) },
  "announce.send": { allowed: ANNOUNCERS, data: (f) => ({ announcementId: f.announcementId }) },
  "announce.cancel": { allowed: ANNOUNCERS, data: (f) => ({ announcementId: f.announcementId }) },
  "announce.report": { allowed: ANNOUNCERS, data: (f) => ({ announcementId: f.announcementId }) },
  // Anyone may click it; it records only for a person the announcement went to.
  "lesson.submit": { allowed: [], data: (f) => ({ lessonId: f.lessonId, worked: "Forged", didNotWork: "Forged", othersShouldKnow: "Forged" }) },
  "announce.acknowledge": { allowed: ALL, data: (f) => ({ announcementId: f.announcementId }) },
};

/** The tables a refusal must not touch (audit rows and inbound ids are how refusals are recorded). */
const GUARDED = ["need", "needEvent", "needSupporter", "workPackage", "initiative", "statusRequest", "statusUpdate", "personRole", "setting", "outboxMessage", "digest", "announcement", "announcementRecipient", "method", "needMethod", "lesson"] as const;

let server: TestServer;
let store: Store;
let api: SlackApiStandIn;
let connector: BotConnector;
let fixtures: Fixtures;

async function snapshot(): Promise<string> {
  const db = store.db as unknown as Record<string, { findMany(a?: unknown): Promise<unknown[]> }>;
  const rows = await Promise.all(GUARDED.map((t) => db[t]!.findMany()));
  return JSON.stringify(rows);
}

beforeAll(async () => {
  trackBolt();
  api = await startSlackApi();
  connector = await startBotConnector();
  server = await startTestServer({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: "xoxb-test", SLACK_API_URL: api.url });
  store = await openStore(server.databaseUrl, { migrate: false });
  await store.people.addRole((await personByEmail(store, ACTORS.communicator)).id, "communicator");
  for (const [role, key] of Object.entries(ACTORS)) {
    const email = `${key}@stockholm.example`;
    api.users.set(`U${role.toUpperCase()}`, { id: `U${role.toUpperCase()}`, name: key, email, locale: "sv-SE" });
    const user = teamsUser(role, key);
    connector.members.set(user.id, { ...user, email, tenantId: TENANT });
  }
  const actorIds = await Promise.all(Object.values(ACTORS).map(async (k) => (await personByEmail(store, k)).id));
  const outsider = await personByEmail(store, "fatima.ali");
  const need = (await store.db.need.findFirst({ where: { reporterId: outsider.id, status: "submitted" } }))!;
  await store.db.need.update({ where: { id: need.id }, data: { awaitingReply: true } });
  const wp = (await store.db.workPackage.findFirst({
    where: { active: true, leadId: { notIn: actorIds }, OR: [{ deputyId: null }, { deputyId: { notIn: actorIds } }] },
  }))!;
  const request = await store.db.statusRequest.create({
    data: { subjectKey: `wp:${wp.id}`, periodKey: "2026-11-30T09:00", workPackageId: wp.id, recipientId: wp.leadId, dueAt: new Date("2026-12-02T09:00:00Z") },
  });
  const announcement = await store.announcements.create({
    authorId: outsider.id,
    sv: { title: "Utkast", text: "Text" },
    en: { title: "", text: "" },
    imageUrl: null,
    linkUrl: null,
    acknowledge: true,
    audience: { everyone: true, departments: [], roles: [], workPackages: [], initiatives: [], channels: [] },
    scheduledAt: null,
  });
  const lesson = await store.db.lesson.create({
    data: { occasionKey: `need:${need.id}:done`, occasion: "need_done", needId: need.id, ownerId: outsider.id, askedAt: new Date("2026-11-27T09:00:00Z") },
  });
  fixtures = {
    need: { id: need.id, version: need.version + 1 },
    requestId: request.id,
    workPackageId: wp.id,
    outsiderId: (await personByEmail(store, "anna.lindqvist")).id,
    methodId: (await store.db.method.findUniqueOrThrow({ where: { code: "service-design" } })).id,
    announcementId: announcement.id,
    lessonId: lesson.id,
  };
});
afterAll(async () => {
  await store.close();
  await server.cleanup();
  await api.close();
  await connector.close();
});

const refusals = (role: Role) => Object.entries(MATRIX).filter(([, v]) => !v.allowed.includes(role));

describe("authorisation matrix", () => {
  it("classifies every registered card verb", async () => {
    // A new verb must be added to the table (with who may use it) before this passes.
    const { createApp } = await import("../../src/app.ts");
    const { loadConfig } = await import("../../src/config.ts");
    const { createLogger } = await import("../../src/log.ts");
    const app = createApp({ config: loadConfig({ DATABASE_URL: server.databaseUrl, LOG_LEVEL: "silent" }, "/nonexistent/.env"), store, log: createLogger("silent") });
    expect(Object.keys(MATRIX).sort()).toEqual(app.router.verbs());
  });

  describe.each(ALL)("%s", (role) => {
    it("web chat: every verb it may not use is refused, and nothing changes", async () => {
      const before = await snapshot();
      const chat = webChat(server.url, (await personByEmail(store, ACTORS[role])).id);
      for (const [verb, { data }] of refusals(role)) {
        const reply = await chat.click(verb, data(fixtures));
        expect(cardText([...reply.cards, reply.replace]), `${role} ${verb}`).toMatch(/Tyvärr|Sorry/);
      }
      expect(await snapshot()).toBe(before);
    });

    it("Teams: the same refusals answer without 5xx and change nothing", async () => {
      const chat = teamsClient(server.url, connector.url, teamsUser(role, ACTORS[role]));
      await chat.say("hjälp"); // links the Teams account to the person by e-mail
      const before = await snapshot();
      for (const [verb, { data }] of refusals(role)) {
        const res = await chat.execute(verb, data(fixtures));
        expect(res.status, `${role} ${verb}`).toBeLessThan(500);
      }
      expect(await snapshot()).toBe(before);
    });

    it("Slack: the same refusals as button clicks change nothing", async () => {
      const user = `U${role.toUpperCase()}`;
      const before = await snapshot();
      const accepted = boltAccepted();
      let n = 0;
      for (const [verb, { data }] of refusals(role)) {
        const body = interaction("block_actions", user, {
          container: { type: "message", channel_id: `D${user}`, message_ts: `1700000000.${++n}` },
          channel: { id: `D${user}`, name: "directmessage" },
          actions: [{ type: "button", block_id: "b", action_id: "b0", action_ts: `1700000100.${role}${n}`, value: JSON.stringify({ verb, ...data(fixtures) }) }],
        });
        const res = await slackRequest(server.url, SECRET, body, { contentType: "application/x-www-form-urlencoded" });
        expect(res.status, `${role} ${verb}`).toBeLessThan(500);
      }
      // Every click reached the listeners, and every listener has finished.
      expect(boltAccepted() - accepted).toBe(n);
      await boltSettled();
      expect(await snapshot()).toBe(before);
    });
  });
});
