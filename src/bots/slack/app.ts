// The Slack channel: a Bolt app on the shared express server at
// POST /slack/events (events, slash commands, shortcuts, interactivity,
// options), with Bolt's signature verification, plus the Slack deliverer.
import { App as BoltApp, ExpressReceiver, webApi, type AuthorizeResult } from "@slack/bolt";
import type { App } from "../../app.ts";
import type { Config } from "../../config.ts";
import type { ChannelMount } from "../../server.ts";
import { slackBodyDepth } from "../jsonDepth.ts";
import { registerCommands } from "./commands.ts";
import { appSlackDeliverer } from "./deliver.ts";
import { registerEvents } from "./events.ts";
import { registerInteractivity } from "./interactivity.ts";
import { boltLogger } from "./logger.ts";

export const SLACK_EVENTS_PATH = "/slack/events";

type SlackConfig = NonNullable<Config["slack"]>;

export function createSlackChannel(slack: SlackConfig): ChannelMount {
  return (server, app: App) => {
    const logger = boltLogger(app.log);
    const slackApiUrl = slack.apiUrl ?? "https://slack.com/api/";
    // Interactive replies may retry once; delivery never retries by itself (the outbox decides).
    const client = new webApi.WebClient(slack.botToken, { slackApiUrl, logger, retryConfig: { retries: 1, minTimeout: 200, maxTimeout: 1000 } });

    // Before Bolt: nesting checked on the raw body, which Bolt then verifies from req.rawBody.
    server.post(SLACK_EVENTS_PATH, ...slackBodyDepth("1mb"));
    // Mounts its router on our express server; verifies X-Slack-Signature and the
    // five-minute timestamp window before any listener runs (401 otherwise).
    const receiver = new ExpressReceiver({
      signingSecret: slack.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      app: server,
      processBeforeResponse: false,
      logger,
    });

    // One workspace, one bot token: auth.test (against SLACK_API_URL) once, again only after a failure.
    let identity: Promise<AuthorizeResult> | undefined;
    const authorize = () => {
      identity ??= client.auth.test().then(
        (r) => ({ botToken: slack.botToken, botId: r.bot_id, botUserId: r.user_id, teamId: r.team_id }),
        (err: unknown) => {
          identity = undefined;
          throw err;
        },
      );
      return identity;
    };

    const bolt = new BoltApp({ receiver, authorize, logger, clientOptions: { slackApiUrl, logger }, convoStore: false });
    const deps = { app, client };
    registerEvents(bolt, deps);
    registerCommands(bolt, deps);
    registerInteractivity(bolt, deps);

    app.deliverers.set("slack", appSlackDeliverer(app, slack.botToken, slackApiUrl, logger));
  };
}
