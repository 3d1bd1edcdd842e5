// The deliverers of the configured chat channels for a process without the
// HTTP server (the CLI's `jobs run outbox`): it sends like a replica, under
// the same shared rate limits, instead of putting Teams and Slack messages
// back for a minute because it has no deliverer for them.
import type { App } from "../app.ts";

export async function registerOutboundDeliverers(app: App): Promise<void> {
  if (app.config.teamsEndpoint && !app.deliverers.has("teams")) {
    const [{ createTeamsAdapter }, { createTeamsDeliverer }] = await Promise.all([import("./teams/adapter.ts"), import("./teams/proactive.ts")]);
    app.deliverers.set("teams", createTeamsDeliverer({ adapter: createTeamsAdapter(app.config, app.log, { connectorRetries: false }), app }));
  }
  const slack = app.config.slack;
  if (slack && !app.deliverers.has("slack")) {
    const { appSlackDeliverer } = await import("./slack/deliver.ts");
    app.deliverers.set("slack", appSlackDeliverer(app, slack.botToken, slack.apiUrl ?? "https://slack.com/api/"));
  }
}
