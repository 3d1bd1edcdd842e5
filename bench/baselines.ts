// The bare frameworks the inbound benchmark compares against, in one process
// of their own: express answering the web chat turn with a card-sized JSON
// body, a botbuilder CloudAdapter echo bot (dev mode, no credentials) at
// /api/messages answering invokes with an invoke response, and a Bolt app
// with signature verification at /slack/events that only acks.
//
// The floor, under /floor/…: the same three frameworks doing the least durable
// work a submission needs, by Prisma's fastest path on a database of our
// schema: one transaction that numbers the need as Samordna does (the yearly
// counter, one upsert), inserts it and inserts its "created" event. No person,
// no validation, no card: what no design that stores a need can avoid.
// Run: node --import tsx bench/baselines.ts PORT SLACK_SIGNING_SECRET DATABASE_URL
import express from "express";
import { ActivityTypes, CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from "botbuilder";
import { App as BoltApp, ExpressReceiver } from "@slack/bolt";
import { createPrismaClient } from "../src/store/client.ts";
import { migrate } from "../src/store/migrate.ts";

const [port, signingSecret, databaseUrl] = process.argv.slice(2);
const server = express();

await migrate(databaseUrl!);
const db = await createPrismaClient(databaseUrl!);
const reporter = await db.person.create({ data: { displayName: "Floor reporter", locale: "sv" } });

/** The floor's durable work: number, insert the need, insert its event, in one transaction. */
async function storeNeed(title: string, problem: string): Promise<string> {
  const year = new Date().getUTCFullYear();
  return db.$transaction(async (tx) => {
    const [{ last }] = await tx.$queryRaw<{ last: number | bigint }[]>`INSERT INTO "ReferenceCounter" ("year", "last") VALUES (${year}, 1)
      ON CONFLICT ("year") DO UPDATE SET "last" = "ReferenceCounter"."last" + 1 RETURNING "last"`;
    const reference = `N-${year}-${String(Number(last)).padStart(4, "0")}`;
    const need = await tx.need.create({ data: { reference, title, problem, urgency: "low", reporterId: reporter.id }, select: { id: true } });
    await tx.needEvent.create({ data: { needId: need.id, actorId: reporter.id, kind: "created", toStatus: "submitted" }, select: { id: true } });
    return reference;
  });
}

const card = (text: string) => ({ type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text }] });

server.post("/web/api/turn", express.json({ limit: "64kb" }), (req, res) => {
  res.json({ cards: [], replace: { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: String(req.body.action?.data?.title ?? "") }] } });
});

server.post("/floor/web/api/turn", express.json({ limit: "64kb" }), async (req, res) => {
  const data = req.body.action?.data ?? {};
  res.json({ cards: [], replace: card(await storeNeed(String(data.title ?? ""), String(data.problem ?? ""))) });
});

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
function teamsBot(work: (data: { title?: string; problem?: string }) => Promise<string>) {
  return async (context: TurnContext) => {
    const { activity } = context;
    if (activity.type === ActivityTypes.Invoke) {
      const text = await work((activity.value as { action?: { data?: { title?: string; problem?: string } } })?.action?.data ?? {});
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: { status: 200, body: { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: card(text) } },
      });
    } else if (activity.type === ActivityTypes.Message) {
      await context.sendActivity(activity.text ?? "");
    }
  };
}
const echo = teamsBot(async (data) => String(data.title ?? ""));
const floor = teamsBot((data) => storeNeed(String(data.title ?? ""), String(data.problem ?? "")));
server.post("/api/messages", express.json({ limit: "256kb" }), (req, res) => adapter.process(req, res, echo));
server.post("/floor/api/messages", express.json({ limit: "256kb" }), (req, res) => adapter.process(req, res, floor));

const authorize = async () => ({ botToken: "xoxb-bare", botId: "BBARE", botUserId: "UBARE", teamId: "T0SAMORDNA" });
const receiver = new ExpressReceiver({ signingSecret: signingSecret!, endpoints: "/slack/events", app: server, processBeforeResponse: false });
const bolt = new BoltApp({ receiver, authorize });
bolt.view(/.*/, async ({ ack }) => {
  await ack({ response_action: "clear" });
});
const floorReceiver = new ExpressReceiver({ signingSecret: signingSecret!, endpoints: "/floor/slack/events", app: server, processBeforeResponse: false });
const floorBolt = new BoltApp({ receiver: floorReceiver, authorize });
floorBolt.view(/.*/, async ({ ack, view }) => {
  const values = view.state.values as Record<string, Record<string, { value?: string | null }>>;
  await storeNeed(values.title?.v?.value ?? "", values.problem?.v?.value ?? "");
  await ack({ response_action: "clear" });
});

// A bare express page of the portfolio list's size (25 rows), for bench/portfolio.ts.
const rows = Array.from({ length: 25 }, (_, i) => `<tr><td><a href="/n/${i}">N-2026-${i}: A need about bookings and permits</a></td><td>Department</td><td>Submitted</td><td>3</td></tr>`).join("");
server.get("/bare/page", (_req, res) => {
  res.type("html").send(`<!doctype html><html lang="en"><head><title>Bare</title></head><body><main><table>${rows}</table></main></body></html>`);
});

server.get("/healthz", (_req, res) => {
  res.send("ok");
});
server.listen(Number(port), "127.0.0.1");
