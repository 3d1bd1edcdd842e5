// Events API: DMs to the bot reach the same intents as Teams text; opening
// the App Home publishes it. Bolt acks events before listeners run.
import type { App as BoltApp } from "@slack/bolt";
import { publishHome } from "./home.ts";
import { person, present, turn, userOf, type SlackDeps } from "./present.ts";

export function registerEvents(bolt: BoltApp, deps: SlackDeps): void {
  // Slack retries a delivery it thinks failed (X-Slack-Retry-Num) with the same event_id: handle it once.
  bolt.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === "string" && !(await deps.app.store.inbound.firstSeen("slack", eventId))) return;
    await next();
  });

  bolt.event("message", async ({ event, body }) => {
    const e = event as { channel_type?: string; subtype?: string; bot_id?: string; user?: string; text?: string; channel: string };
    // Only a person's own new messages in their DM with the bot; edits, joins and bots are not turns.
    if (e.channel_type !== "im" || e.subtype || e.bot_id) return;
    const user = userOf(body.team_id, e.user);
    if (!user) return;
    const origin = { user, person: await person(deps, user, e.channel), channel: e.channel };
    const reply = await turn(deps, origin, { text: e.text ?? "", personal: true });
    await present(deps, origin, reply);
  });

  bolt.event("app_home_opened", async ({ event, body }) => {
    if (event.tab !== "home") return;
    const user = userOf(body.team_id, event.user);
    if (!user) return;
    await publishHome(deps, { user, person: await person(deps, user) });
  });
}
