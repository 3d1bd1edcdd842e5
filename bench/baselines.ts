// The bare frameworks the inbound benchmark compares against, in one process
// of their own: express answering the web chat turn with a card-sized JSON
// body, a botbuilder CloudAdapter echo bot (dev mode, no credentials) at
// /api/messages answering invokes with an invoke response, and a Bolt app
// with signature verification at /slack/events that only acks.
// Run: node --import tsx bench/baselines.ts PORT SLACK_SIGNING_SECRET
import express from "express";
import { ActivityTypes, CloudAdapter, ConfigurationBotFrameworkAuthentication } from "botbuilder";
import { App as BoltApp, ExpressReceiver } from "@slack/bolt";

const [port, signingSecret] = process.argv.slice(2);
const server = express();

server.post("/web/api/turn", express.json({ limit: "64kb" }), (req, res) => {
  res.json({ cards: [], replace: { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: String(req.body.action?.data?.title ?? "") }] } });
});

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
server.post("/api/messages", express.json({ limit: "256kb" }), (req, res) =>
  adapter.process(req, res, async (context) => {
    const { activity } = context;
    if (activity.type === ActivityTypes.Invoke) {
      const title = String((activity.value as { action?: { data?: { title?: string } } })?.action?.data?.title ?? "");
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: { status: 200, body: { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: title }] } } },
      });
    } else if (activity.type === ActivityTypes.Message) {
      await context.sendActivity(activity.text ?? "");
    }
  }),
);

const receiver = new ExpressReceiver({ signingSecret: signingSecret!, endpoints: "/slack/events", app: server, processBeforeResponse: false });
const bolt = new BoltApp({ receiver, authorize: async () => ({ botToken: "xoxb-bare", botId: "BBARE", botUserId: "UBARE", teamId: "T0SAMORDNA" }) });
bolt.view(/.*/, async ({ ack }) => {
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
