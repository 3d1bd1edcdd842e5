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
    expect(load({}).unauthenticated).toHaveLength(3);
    // The portfolio's person picker (development without OIDC_ISSUER) also trusts whoever reaches the port.
    expect(load({ WEB_CHAT: "false", MicrosoftAppId: "id", MicrosoftAppPassword: "pw" })).toMatchObject({ host: "127.0.0.1", unauthenticated: ["the portfolio's person picker (no OIDC_ISSUER)"] });
    const signIn = { OIDC_ISSUER: "https://login.example.org/t/v2.0", OIDC_CLIENT_ID: "c", PUBLIC_URL: "https://samordna.example.org" };
    expect(load({ WEB_CHAT: "false", MicrosoftAppId: "id", MicrosoftAppPassword: "pw", ...signIn })).toMatchObject({ host: "0.0.0.0", unauthenticated: [] });
    expect(load({ HOST: "0.0.0.0" })).toMatchObject({ host: "0.0.0.0", hostSet: true });
  });

  it("asks for what OpenID Connect sign-in needs, naming the variable", () => {
    expect(() => load({ OIDC_ISSUER: "https://login.example.org/t/v2.0" })).toThrow(/OIDC_CLIENT_ID/);
    expect(() => load({ OIDC_ISSUER: "https://login.example.org/t/v2.0", OIDC_CLIENT_ID: "c" })).toThrow(/PUBLIC_URL/);
    const prod = { NODE_ENV: "production", WEB_CHAT: "false", MicrosoftAppId: "id", MicrosoftAppPassword: "pw" };
    expect(() => load({ ...prod, OIDC_ISSUER: "https://login.example.org/t/v2.0", OIDC_CLIENT_ID: "c", PUBLIC_URL: "https://s.example.org" })).toThrow(/SESSION_SECRET/);
    expect(() => load({ SESSION_SECRET: "short" })).toThrow(/SESSION_SECRET/);
    expect(load({ PUBLIC_URL: "https://s.example.org/" }).portfolio.publicUrl).toBe("https://s.example.org");
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
