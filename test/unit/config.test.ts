import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";

const load = (env: Record<string, string>) => loadConfig(env, "/nonexistent/.env");

describe("configuration", () => {
  it("has working defaults for local development", () => {
    const c = load({});
    expect(c).toMatchObject({ port: 3978, databaseUrl: "file:./data/samordna.db", timezone: "Europe/Stockholm", defaultLocale: "sv", seed: true, webChat: true });
    expect(c.teams).toBeUndefined();
    expect(c.slack).toBeUndefined();
  });

  it("names the variable that is wrong", () => {
    expect(() => load({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => load({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(() => load({ TIMEZONE: "Mars/Olympus" })).toThrow(/TIMEZONE/);
    expect(() => load({ DEFAULT_LOCALE: "de" })).toThrow(/DEFAULT_LOCALE/);
    expect(() => load({ SEED: "maybe" })).toThrow(/SEED/);
  });

  it("refuses production without an authenticated channel, naming both, and turns the web chat and seed off there", () => {
    expect(() => load({ NODE_ENV: "production" })).toThrow(/MicrosoftAppId or SLACK_SIGNING_SECRET \+ SLACK_BOT_TOKEN/);
    const c = load({ NODE_ENV: "production", MicrosoftAppId: "id", MicrosoftAppPassword: "pw" });
    expect(c).toMatchObject({ webChat: false, seed: false, teamsEndpoint: true, host: "0.0.0.0", unauthenticated: [] });
    const slackOnly = load({ NODE_ENV: "production", SLACK_SIGNING_SECRET: "s", SLACK_BOT_TOKEN: "xoxb-1" });
    expect(slackOnly).toMatchObject({ teamsEndpoint: false, host: "0.0.0.0", unauthenticated: [] });
    expect(slackOnly.teams).toBeUndefined();
    expect(() => load({ NODE_ENV: "production", MicrosoftAppId: "id", MicrosoftAppPassword: "pw", WEB_CHAT: "true" })).toThrow(/WEB_CHAT/);
  });

  it("keeps development mode on loopback unless HOST says otherwise", () => {
    expect(load({})).toMatchObject({ host: "127.0.0.1", hostSet: false, teamsEndpoint: true });
    expect(load({}).unauthenticated).toHaveLength(2);
    expect(load({ WEB_CHAT: "false", MicrosoftAppId: "id", MicrosoftAppPassword: "pw" })).toMatchObject({ host: "0.0.0.0", unauthenticated: [] });
    expect(load({ HOST: "0.0.0.0" })).toMatchObject({ host: "0.0.0.0", hostSet: true });
  });

  it("takes a metrics token of at least 16 characters", () => {
    expect(() => load({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN/);
    expect(load({ METRICS_TOKEN: "a-long-enough-token" }).metricsToken).toBe("a-long-enough-token");
  });

  it("names the missing Teams credential botbuilder would otherwise trip over at start", () => {
    expect(() => load({ MicrosoftAppId: "id" })).toThrow(/MicrosoftAppPassword/);
    expect(() => load({ MicrosoftAppId: "id", MicrosoftAppPassword: "pw", MicrosoftAppType: "SingleTenant" })).toThrow(/MicrosoftAppTenantId/);
    expect(load({ MicrosoftAppId: "id", MicrosoftAppPassword: "pw", MicrosoftAppType: "SingleTenant", MicrosoftAppTenantId: "t" }).teams).toMatchObject({ appType: "SingleTenant", tenantId: "t" });
    expect(load({ MicrosoftAppId: "id", MicrosoftAppType: "UserAssignedMSI", MicrosoftAppTenantId: "t" }).teams).toMatchObject({ appPassword: "" });
  });

  it("enables Slack only with both secrets", () => {
    expect(load({ SLACK_SIGNING_SECRET: "s" }).slack).toBeUndefined();
    expect(load({ SLACK_SIGNING_SECRET: "s", SLACK_BOT_TOKEN: "xoxb-1" }).slack).toMatchObject({ signingSecret: "s" });
  });
});
