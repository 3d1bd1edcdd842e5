// The learning log end to end over the Teams and Slack stand-ins: a need is
// marked done, the `lessons` job asks its owner (the work package's lead),
// the outbox delivers the question to Teams and to Slack, the answer is
// stored, an unanswered question gets exactly one reminder, and a forged or
// replayed answer changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobByName } from "../../src/jobs/index.ts";
import { runJob } from "../../src/jobs/scheduler.ts";
import { seedDemo } from "../../src/store/seed.ts";
import type { Person } from "../../src/domain/types.ts";
import { startBotConnector, type BotConnector } from "../helpers/botConnector.ts";
import { cardText, findAction, startTestServer, type TestServer } from "../helpers/server.ts";
import { payload, slackRequest, startSlackApi, TEAM_ID, type SlackApiStandIn } from "../helpers/slackApi.ts";
import { cardOf, teamsClient, teamsUser, TENANT } from "../helpers/teams.ts";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
let connector: BotConnector;
let api: SlackApiStandIn;
let server: TestServer;
// The store stamps a need's history with the database's clock, so the test's clock starts at the real time.
let START = new Date();
let now = START;
const later = (ms: number, from = START) => new Date(from.getTime() + ms).toISOString();
const MINUTE = 60_000;
const DAY = 86_400_000;
let seq = 0;

const saraTeams = teamsUser("sara", "Sara Nilsson");
const larsTeams = teamsUser("lars", "Lars Andersson");

async function tick(job: string, iso: string) {
  now = new Date(iso);
  return (await runJob(server.app, jobByName(job)!, { now })).summary;
}
const person = async (local: string) => (await server.app.store.people.byEmail(`${local}@stockholm.example`)) as Person;
const lessonRows = () => server.app.store.db.lesson.findMany({ orderBy: { id: "asc" } });
const slackPosts = (channel: string) => api.callsTo("chat.postMessage").filter((c) => c.body.channel === channel);
const text = (x: unknown) => JSON.stringify(x) ?? "";

beforeAll(async () => {
  connector = await startBotConnector();
  api = await startSlackApi();
  api.users.set("UEMMA", { id: "UEMMA", name: "Emma Wilson", email: "emma.wilson@stockholm.example", locale: "sv-SE" });
  server = await startTestServer({ SEED: "false", SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: "xoxb-test-token", SLACK_API_URL: api.url }, undefined, { clock: () => now });
  // The demo data: its own done need is weeks old, history not asked about.
  await seedDemo(server.app.store, now);
  connector.members.set(saraTeams.id, { ...saraTeams, email: "sara.nilsson@stockholm.example", tenantId: TENANT });
  connector.members.set(larsTeams.id, { ...larsTeams, email: "lars.andersson@stockholm.example", tenantId: TENANT });
  await teamsClient(server.url, connector.url, saraTeams).install();
  await teamsClient(server.url, connector.url, larsTeams).install();
  // Emma's first contact on Slack links her account to the seeded Emma.
  await slackRequest(
    server.url,
    SECRET,
    JSON.stringify({ token: "t", team_id: TEAM_ID, api_app_id: "A0SAMORDNA", type: "event_callback", event_id: "Ev-emma", event_time: 1, event: { type: "message", channel_type: "im", channel: "DUEMMA", user: "UEMMA", text: "hjälp", ts: "1800000000.000100" } }),
  );
  await api.waitFor("chat.postMessage", (c) => c.body.channel === "DUEMMA");
});
afterAll(async () => {
  await server?.cleanup();
  await connector?.close();
  await api?.close();
});

describe("learning log over Teams and Slack", () => {
  it("asks the owner after a need is done, stores the answer, reminds once, and nothing more", async () => {
    // Triage queues its notifications as of the real time: the clock restarts here, just before.
    START = new Date();
    now = START;
    const store = server.app.store;
    const [sara, emma, anna] = [await person("sara.nilsson"), await person("emma.wilson"), await person("anna.lindqvist")];
    expect((await store.people.account("slack", TEAM_ID, "UEMMA"))?.personId).toBe(emma.id);
    // Two needs under way, one in WP3 (Sara leads it, on Teams) and one in WP5 (Emma, on Slack).
    const open = await store.db.need.findMany({ where: { status: { in: ["accepted", "in_progress"] } }, orderBy: { id: "asc" }, take: 2 });
    expect(open).toHaveLength(2);
    const [wp3, wp5] = [await store.workPackages.byCode("WP3"), await store.workPackages.byCode("WP5")];
    await store.db.need.update({ where: { id: open[0]!.id }, data: { workPackageId: wp3!.id, initiativeId: null } });
    await store.db.need.update({ where: { id: open[1]!.id }, data: { workPackageId: wp5!.id, initiativeId: null } });
    expect(await tick("lessons", later(0))).toBe("asked 0 lesson question(s), 0 reminder(s)");

    // A coordinator marks both done.
    for (const n of open) {
      const need = (await store.needs.byId(n.id))!;
      await server.app.triage.decide(anna, "done", { needId: need.id, version: need.version, note: "Solved with a shared booking calendar" });
    }
    await tick("outbox", later(MINUTE)); // the reporters and supporters hear of it
    const asked = later(5 * MINUTE);
    expect(await tick("lessons", asked)).toBe("asked 2 lesson question(s), 0 reminder(s)");
    expect(await tick("lessons", later(10 * MINUTE))).toBe("asked 0 lesson question(s), 0 reminder(s)");
    const [toSara, toEmma] = await lessonRows();
    expect([toSara!.ownerId, toSara!.needId, toSara!.occasion, toEmma!.ownerId, toEmma!.needId]).toEqual([sara.id, open[0]!.id, "need_done", emma.id, open[1]!.id]);

    connector.reset();
    expect(await tick("outbox", later(11 * MINUTE))).toMatch(/^2 sent/);
    // Teams: the form in Sara's 1:1 chat.
    const saraChat = teamsClient(server.url, connector.url, saraTeams);
    const [question] = connector.sent(saraChat.conversationId);
    const card = cardOf(question);
    expect(cardText(card)).toContain(`Lärdomar från ${open[0]!.reference}`);
    expect(cardText(card)).toContain("Vad fungerade inte?");
    const submit = findAction(card, "lesson.submit")!;
    expect(submit.data).toEqual({ lessonId: toSara!.id });
    // Slack: blocks with the three inputs in Emma's DM.
    const [slackQuestion] = slackPosts("DUEMMA").filter((c) => text(c.body.blocks).includes("What should others know?"));
    expect(text(slackQuestion!.body.blocks)).toContain(`Lessons from ${open[1]!.reference}`); // Emma reads English

    // Lars clicking Sara's form (a forged action) is refused and changes nothing.
    const larsChat = teamsClient(server.url, connector.url, larsTeams);
    const forged = await larsChat.execute("lesson.submit", { ...submit.data, worked: "Forged" });
    expect(forged.status).toBe(200);
    expect(cardText(cardOf(connector.sent(larsChat.conversationId).at(-1)))).toContain("Du har inte behörighet");
    // Sara: an empty answer comes back marked; then her answer is stored.
    now = new Date(later(DAY));
    const empty = await saraChat.execute("lesson.submit", { ...submit.data });
    expect(cardText(empty.body.value)).toContain("Skriv minst ett av de tre svaren.");
    expect((await lessonRows())[0]!.answeredAt).toBeNull();
    const saved = await saraChat.execute("lesson.submit", { ...submit.data, worked: "Short loops with the schools", didNotWork: "Email threads", othersShouldKnow: "Start with the users", shareable: "true" });
    expect(cardText(saved.body.value)).toContain(`Tack! Dina lärdomar från ${open[0]!.reference} är sparade`);
    await saraChat.execute("lesson.submit", { ...submit.data, worked: "Changed my mind" });
    expect(cardText(cardOf(connector.sent(saraChat.conversationId).at(-1)))).toContain("Frågan är redan besvarad");
    expect(await lessonRows()).toEqual([
      expect.objectContaining({ ownerId: sara.id, worked: "Short loops with the schools", didNotWork: "Email threads", othersShouldKnow: "Start with the users", shareable: true, answeredAt: new Date(later(DAY)) }),
      expect.objectContaining({ ownerId: emma.id, answeredAt: null, remindedAt: null }),
    ]);

    // Emma does not answer: one reminder five working days after the question, then nothing more.
    const remindAt = server.app.calendar.addWorkingDays(new Date(asked), 5, server.app.config.timezone);
    expect(server.app.calendar.workingDaysBetween(new Date(asked), remindAt, server.app.config.timezone)).toBeGreaterThanOrEqual(5); // 6 when asked on a weekend
    const summaries: Record<string, string> = {};
    for (const iso of [later(2 * DAY), later(-MINUTE, remindAt), later(0, remindAt), later(15 * MINUTE, remindAt), later(DAY, remindAt), later(7 * DAY, remindAt), later(21 * DAY, remindAt)]) {
      summaries[iso] = await tick("lessons", iso);
      await tick("outbox", iso);
    }
    expect(Object.entries(summaries).filter(([, s]) => s !== "asked 0 lesson question(s), 0 reminder(s)")).toEqual([
      [remindAt.toISOString(), "asked 0 lesson question(s), 1 reminder(s)"],
    ]);
    const emmaForms = slackPosts("DUEMMA").filter((c) => text(c.body.blocks).includes("What should others know?"));
    expect(emmaForms).toHaveLength(2);
    expect(text(emmaForms[1]!.body.blocks)).toContain("A reminder: this question is still open");
    // Sara answered: no reminder (her chat holds the question and the refusal of the replay).
    expect(connector.sent(saraChat.conversationId).filter((a) => cardText(cardOf(a)).includes("Lärdomar från"))).toHaveLength(1);

    // Emma answers the reminder in Slack: the message is updated in place and the answer stored.
    const blocks = emmaForms[1]!.body.blocks as { type: string; block_id?: string; element?: { action_id: string }; elements?: { type: string; action_id: string; value?: string }[] }[];
    const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.type === "button" && e.value?.includes("lesson.submit"))!;
    const values: Record<string, Record<string, unknown>> = {};
    for (const b of blocks.filter((x) => x.type === "input")) {
      const answer = { worked: "Pairing with RISE", othersShouldKnow: "Book the lab early" }[b.block_id as string];
      values[b.block_id!] = { [b.element!.action_id]: b.element!.action_id.startsWith("t|") ? { type: "checkboxes", selected_options: [] } : { type: "plain_text_input", value: answer ?? null } };
    }
    const ts = String(api.callsTo("chat.postMessage").indexOf(emmaForms[1]!));
    await slackRequest(
      server.url,
      SECRET,
      payload({
        type: "block_actions",
        team: { id: TEAM_ID },
        user: { id: "UEMMA", team_id: TEAM_ID },
        trigger_id: `trigger-${++seq}`,
        container: { type: "message", channel_id: "DUEMMA", message_ts: ts },
        channel: { id: "DUEMMA" },
        state: { values },
        actions: [{ block_id: "b", action_ts: "1", ...button }],
      }),
      { contentType: "application/x-www-form-urlencoded" },
    );
    const [updated] = await api.waitFor("chat.update", (c) => c.body.channel === "DUEMMA" && text(c.body.blocks).includes("Thank you!"));
    expect(text(updated!.body.blocks)).toContain(`Your lessons from ${open[1]!.reference} are saved`);
    expect((await lessonRows())[1]).toMatchObject({ worked: "Pairing with RISE", othersShouldKnow: "Book the lab early", shareable: false, remindedAt: remindAt });

    // Nothing more is asked or queued.
    const queued = await store.db.outboxMessage.count();
    expect(await tick("lessons", later(42 * DAY))).toBe("asked 0 lesson question(s), 0 reminder(s)");
    expect(await store.db.outboxMessage.count()).toBe(queued);
    expect((await store.db.outboxMessage.findMany({ where: { kind: { startsWith: "lesson." } } })).map((m) => m.kind).sort()).toEqual(["lesson.question", "lesson.question", "lesson.reminder"]);
  });
});
