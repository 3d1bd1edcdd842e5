// Issue 17: a corpus of hostile and unusual inputs submitted as needs on all
// three channels. Each is stored as typed (titles only lose invisible and
// direction-control characters), shown as plain text, and nothing answers 5xx.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toMessage } from "../../src/bots/slack/blockKit.ts";
import { plainText } from "../../src/cards/elements.ts";
import { singleLine } from "../../src/domain/text.ts";
import { translator } from "../../src/i18n/index.ts";
import { openStore, type Store } from "../../src/store/index.ts";
import { startBotConnector, type BotConnector } from "../helpers/botConnector.ts";
import { personByEmail } from "../helpers/db.ts";
import { startTestServer, webChat, type TestServer } from "../helpers/server.ts";
import { modalSubmission, slackRequest, startSlackApi, type SlackApiStandIn } from "../helpers/slackApi.ts";
import { teamsClient, teamsUser, TENANT } from "../helpers/teams.ts";

const SECRET = "fedcba9876543210fedcba9876543210";
const CORPUS: Record<string, string> = {
  html: "<b>Bold</b> <img src=x onerror=alert(1)>",
  script: "<script>alert('x')</script>",
  markdownLink: "[Log in here](https://evil.example/login)",
  markdownFormat: "**Urgent** _now_ ~gone~ `code` # heading",
  list: "- item one\n1. item two",
  slackMentions: "<!channel> <!here> <@U0ADMIN> @channel",
  slackLink: "<https://evil.example|Click me>",
  longWord: "x".repeat(100),
  emoji: "Familj 👨‍👩‍👧‍👦 och 👩🏽‍💻 flaggor 🇸🇪",
  mixedScripts: "Stockholm Стокгольм ستوكهولم 斯德哥尔摩",
  bidiOverride: "Invoice \u202Egnp.exe\u202C ready",
  zeroWidth: "Zero\u200Bwidth\u2060joined",
  loneSurrogate: "Half \uD83D a pair",
  entities: "&amp; &lt;tag&gt; &#x27;",
  backslashes: "C:\\temp\\new \\*not escaped\\*",
};

let server: TestServer;
let store: Store;
let api: SlackApiStandIn;
let connector: BotConnector;
let seq = 0;

beforeAll(async () => {
  api = await startSlackApi();
  api.users.set("ULARS", { id: "ULARS", name: "Lars Andersson", email: "lars.andersson@stockholm.example", locale: "sv-SE" });
  connector = await startBotConnector();
  const peter = teamsUser("peter", "Peter Holm");
  connector.members.set(peter.id, { ...peter, email: "peter.holm@stockholm.example", tenantId: TENANT });
  server = await startTestServer({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: "xoxb-test", SLACK_API_URL: api.url });
  store = await openStore(server.databaseUrl, { migrate: false });
});
afterAll(async () => {
  await store.close();
  await server.cleanup();
  await api.close();
  await connector.close();
});

function mrkdwnTexts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => mrkdwnTexts(n, out));
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.type === "mrkdwn" && typeof o.text === "string") out.push(o.text);
    Object.values(o).forEach((v) => mrkdwnTexts(v, out));
  }
  return out;
}

const formFor = (title: string) => ({ title, problem: `Problem as typed: ${title}`, urgency: "low" });

/** Submits a need on `channel`; returns the HTTP status. */
async function submit(channel: "web" | "teams" | "slack", title: string): Promise<number> {
  const values = formFor(title);
  if (channel === "web") {
    const lars = await personByEmail(store, "lars.andersson");
    return (await webChat(server.url, lars.id).post({ personId: lars.id, action: { verb: "need.submit", data: { ...values, skipSimilar: true } } })).status;
  }
  if (channel === "teams") return (await teamsClient(server.url, connector.url, teamsUser("peter", "Peter Holm")).execute("need.submit", { ...values, skipSimilar: true })).status;
  const { urgency, ...texts } = values;
  const body = modalSubmission("ULARS", { id: `VCORPUS${++seq}`, hash: "h", verb: "need.submit", data: { skipSimilar: true } }, texts, { urgency });
  return (await slackRequest(server.url, SECRET, body, { contentType: "application/x-www-form-urlencoded" })).status;
}

describe("hostile input corpus", () => {
  for (const channel of ["web", "teams", "slack"] as const) {
    it.each(Object.entries(CORPUS))(`${channel}: %s is stored as typed and shown as text`, async (name, text) => {
      const title = `${text} ${channel}-${name}`.slice(0, 120);
      const status = await submit(channel, title);
      expect(status).toBeLessThan(500);
      const expected = singleLine(title);
      const need = await store.db.need.findFirst({ where: { title: expected } });
      expect(need, `stored title for ${name}`).not.toBeNull();
      expect(need!.problem).toBe(`Problem as typed: ${title}`.replace(/\uD83D(?![\uDC00-\uDFFF])/g, "\uFFFD"));

      // Shown as text: the need card (web chat and Teams render this JSON) and its Slack translation.
      const viewer = await personByEmail(store, "anna.lindqvist");
      const view = await webChat(server.url, viewer.id).click("need.view", { needId: need!.id });
      const heading = view.cards[0].body[0].text as string;
      expect(heading).toBe(`${need!.reference}: ${plainText(expected)}`);
      const message = toMessage(view.cards[0], translator("sv"));
      // Slack parses links and mentions in mrkdwn texts and the message's text (plain_text shows them literally).
      for (const text of [message.text, ...mrkdwnTexts(message.blocks)]) expect(text).not.toMatch(/<https?:|<!(channel|here)|<@U/);
    });
  }
});
