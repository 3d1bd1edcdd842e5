// Proactive delivery to Slack against the Web API stand-in: DM opened once and
// remembered, blocks plus a text fallback, 429 and gone accounts reported to
// the outbox (never retried or dropped silently), updates in place.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createSlackChannel } from "../../src/bots/slack/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { createHttpServer } from "../../src/server.ts";
import { DeliveryError, type Deliverer } from "../../src/bots/delivery.ts";
import { needCreatedCard } from "../../src/cards/needCard.ts";
import { cardContext } from "../../src/cards/context.ts";
import { noticeCard } from "../../src/cards/messages.ts";
import { createTestDb, type TestDb } from "../helpers/db.ts";
import { startSlackApi, TEAM_ID, type SlackApiStandIn } from "../helpers/slackApi.ts";
import { sampleNeed } from "../fixtures/cards.ts";
import type { Person } from "../../src/domain/types.ts";

let db: TestDb;
let api: SlackApiStandIn;
let deliverer: Deliverer;

beforeAll(async () => {
  db = await createTestDb();
  api = await startSlackApi();
  // The deliverer the Slack channel registers when it mounts, configured as in production.
  const config = loadConfig(
    { DATABASE_URL: db.url, SLACK_SIGNING_SECRET: "secret", SLACK_BOT_TOKEN: "xoxb-test", SLACK_API_URL: api.url, LOG_LEVEL: "silent" },
    "/nonexistent/.env",
  );
  const app = createApp({ config, store: db.store, log: createLogger("silent") });
  expect(app.deliverers.has("slack")).toBe(false);
  await createHttpServer(app, [createSlackChannel(config.slack!)]);
  deliverer = app.deliverers.get("slack")!;
  expect(deliverer.platform).toBe("slack");
});
afterAll(async () => {
  // Every delivered message was one Slack accepts.
  expect(api.invalid).toEqual([]);
  await api.close();
  await db.cleanup();
});

async function slackPerson(userId: string, email: string): Promise<Person> {
  return db.store.people.ensureFromAccount({ platform: "slack", tenantId: TEAM_ID, userId, displayName: userId, email }, { locale: "en" });
}
const account = (userId: string) => db.store.people.account("slack", TEAM_ID, userId);

describe("Slack deliverer", () => {
  it("opens the DM once, posts blocks with a text fallback and keeps channel:ts as ref", async () => {
    const person = await slackPerson("U7", "lars.andersson@stockholm.example");
    expect(person.displayName).toBe("Lars Andersson"); // linked to the seeded person by e-mail
    const card = needCreatedCard(cardContext("sv", "Europe/Stockholm"), sampleNeed());
    const first = await deliverer.deliver({ kind: "person", person, account: await account("U7") }, card);
    expect(api.callsTo("conversations.open").map((c) => c.body.users)).toEqual(["U7"]);
    const post = api.callsTo("chat.postMessage").at(-1)!;
    expect(post.body.channel).toBe("DU7");
    expect(post.body.text).toContain("N-2026-0042");
    expect(JSON.stringify(post.body.blocks)).toContain("N-2026-0042");
    expect(first.ref).toMatch(/^DU7:\d+\.\d+$/);
    expect((await account("U7"))!.conversationRef).toBe("DU7");

    await deliverer.deliver({ kind: "person", person, account: await account("U7") }, noticeCard("Hej"));
    expect(api.callsTo("conversations.open")).toHaveLength(1);
  });

  it("reports a 429 as rate_limited with Retry-After and does not retry by itself", async () => {
    const person = await slackPerson("U7", "lars.andersson@stockholm.example");
    const before = api.callsTo("chat.postMessage").length;
    api.failNext("chat.postMessage", { status: 429, retryAfter: 7 });
    const err = await deliverer.deliver({ kind: "person", person, account: await account("U7") }, noticeCard("Hej")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).failure).toBe("rate_limited");
    expect((err as DeliveryError).retryAfterMs).toBe(7000);
    expect(api.callsTo("chat.postMessage")).toHaveLength(before + 1);
    // The next attempt (the outbox's) goes through.
    await deliverer.deliver({ kind: "person", person, account: await account("U7") }, noticeCard("Hej"));
    expect(api.callsTo("chat.postMessage")).toHaveLength(before + 2);
  });

  it("reports account_inactive and invalid_auth (the app's own workspace and token) as configuration errors, not the recipient's", async () => {
    const person = await slackPerson("U8", "fatima.ali@stockholm.example");
    for (const error of ["account_inactive", "invalid_auth", "token_revoked"]) {
      api.failNext("chat.postMessage", { error });
      const err = await deliverer.deliver({ kind: "person", person, account: await account("U8") }, noticeCard("Hej")).catch((e: unknown) => e);
      expect([(err as DeliveryError).failure, (err as DeliveryError).message]).toEqual(["config", `Slack: ${error}`]);
    }
    expect((await account("U8"))!.unreachableAt).toBeNull();
  });

  it("reopens a DM that is gone (channel_not_found) once, and reports the person unreachable when it stays gone", async () => {
    const person = await slackPerson("U9", "karin.ek@stockholm.example");
    await db.store.people.setConversationRef((await account("U9"))!.id, "DGONE");
    api.failNext("chat.postMessage", { error: "channel_not_found" });
    const opens = api.callsTo("conversations.open").length;
    const sent = await deliverer.deliver({ kind: "person", person, account: await account("U9") }, noticeCard("Hej"));
    expect(sent.ref).toMatch(/^DU9:/);
    expect(api.callsTo("conversations.open")).toHaveLength(opens + 1);
    expect((await account("U9"))!.conversationRef).toBe("DU9");

    api.failNext("chat.postMessage", { error: "channel_not_found" });
    api.failNext("chat.postMessage", { error: "channel_not_found" });
    const err = await deliverer.deliver({ kind: "person", person, account: await account("U9") }, noticeCard("Hej")).catch((e: unknown) => e);
    expect([(err as DeliveryError).failure, (err as DeliveryError).message]).toEqual(["unreachable", "Slack: channel_not_found"]);
    expect(api.callsTo("conversations.open")).toHaveLength(opens + 2);
    for (const error of ["user_not_found", "not_in_channel"]) {
      api.failNext("chat.postMessage", { error });
      const gone = await deliverer.deliver({ kind: "person", person, account: await account("U9") }, noticeCard("Hej")).catch((e: unknown) => e);
      expect((gone as DeliveryError).failure).toBe("unreachable");
    }
  });

  it("refuses a person without a Slack account as unreachable", async () => {
    const person = (await db.store.people.byEmail("karin.ek@stockholm.example"))!;
    const err = await deliverer.deliver({ kind: "person", person, account: null }, noticeCard("Hej")).catch((e: unknown) => e);
    expect((err as DeliveryError).failure).toBe("unreachable");
  });

  it("posts to a channel target and updates a message in place", async () => {
    const sent = await deliverer.deliver({ kind: "channel", id: "C0COORD" }, noticeCard("Veckans sammanfattning"));
    expect(sent.ref).toMatch(/^C0COORD:\d+\.\d+$/);
    await deliverer.update!(sent.ref, noticeCard("Uppdaterad"));
    const update = api.callsTo("chat.update").at(-1)!;
    expect(update.body.channel).toBe("C0COORD");
    expect(update.body.ts).toBe(sent.ref.split(":")[1]);
    expect(JSON.stringify(update.body.blocks)).toContain("Uppdaterad");
  });
});
