// The Slack app manifest matches what the code registers: the events URL, the
// slash command, the shortcut's callback id, the events and the scopes the
// Web API calls need, and Sign in with Slack's redirect URL and user scopes.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SLACK_EVENTS_PATH } from "../../src/bots/slack/app.ts";
import { REPORT_SHORTCUT, SLASH_COMMAND } from "../../src/bots/slack/commands.ts";
import { CALLBACK_PATH, OIDC_SCOPE } from "../../src/auth/oidc.ts";

const manifest = parse(readFileSync(path.resolve(import.meta.dirname, "../../manifest/slack/manifest.yaml"), "utf8"));
const eventsUrl = `https://YOUR-HOST${SLACK_EVENTS_PATH}`;

describe("Slack manifest", () => {
  it("sends every request to POST /slack/events", () => {
    expect(manifest.settings.event_subscriptions.request_url).toBe(eventsUrl);
    // The options load URL serves the type-ahead of external selects (long choice lists).
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: eventsUrl, message_menu_options_url: eventsUrl });
    expect(manifest.features.slash_commands.map((c: { url: string }) => c.url)).toEqual([eventsUrl]);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it("declares the slash command and the message shortcut the code listens to", () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual([SLASH_COMMAND]);
    expect(manifest.features.shortcuts).toEqual([expect.objectContaining({ type: "message", callback_id: REPORT_SHORTCUT, name: "Report as need" })]);
  });

  it("has the App Home with its messages tab, the bot events and the scopes", () => {
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    expect(manifest.features.bot_user.display_name).toBe("Samordna");
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(["app_home_opened", "message.im"]);
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(["chat:write", "commands", "im:history", "im:write", "users:read", "users:read.email"]);
  });

  it("lets people sign in to the portfolio with Slack (OpenID Connect): the redirect URL and user scopes the sign-in asks for", () => {
    expect(manifest.oauth_config.redirect_urls).toEqual([`https://YOUR-HOST${CALLBACK_PATH}`]);
    expect(manifest.oauth_config.scopes.user.sort()).toEqual(OIDC_SCOPE.split(" ").sort());
  });
});
