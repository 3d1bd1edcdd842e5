// Every environment variable in one zod schema; a bad value stops the process
// with a message naming the variable (DESIGN.md, "External interface").
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { parseEnv } from "node:util";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

const variables = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^(file:.+|postgres(ql)?:\/\/.+)$/, "must be file:PATH or postgresql://…")
    .default("file:./data/samordna.db"),
  TIMEZONE: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "is not a known IANA time zone")
    .default("Europe/Stockholm"),
  DEFAULT_LOCALE: z.enum(["sv", "en"]).default("sv"),
  HOLIDAY_COUNTRY: z.string().regex(/^[A-Z]{2}$/, "must be a two-letter country code").default("SE"),
  MicrosoftAppId: z.string().optional(),
  MicrosoftAppPassword: z.string().optional(),
  MicrosoftAppType: z.enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"]).optional(),
  MicrosoftAppTenantId: z.string().optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_BOT_TOKEN: z.string().optional(),
  SLACK_API_URL: z.string().url().optional(),
  SEED: bool.optional(),
  WEB_CHAT: bool.optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  JOBS: bool.default(true),
  OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  OUTBOX_RETRY_HOURS: z.coerce.number().positive().max(720).default(24),
  OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  OUTBOX_PACING_MARGIN_MS: z.coerce.number().int().min(0).max(2000).default(60),
  ORG_FILE: z.string().optional(),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  PUBLIC_URL: z.string().url().regex(/^https?:\/\//, "must be an http(s) URL").optional(),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  PRISMA_COUNT_QUERIES: bool.default(false),
  // A short key would make the pseudonyms guessable by trying every person id.
  RESEARCH_KEY: z.string().min(32, "must be at least 32 characters (e.g. openssl rand -hex 32)").optional(),
});

/** Every environment variable Samordna reads (the README's configuration table lists each). */
export const CONFIG_VARIABLES = Object.keys(variables.shape);

const schema = variables.transform((env) => {
  const production = env.NODE_ENV === "production";
  const webChat = env.WEB_CHAT ?? !production;
  // Without credentials the Teams endpoint is local development mode; production serves it only with them.
  const teamsEndpoint = Boolean(env.MicrosoftAppId) || !production;
  // Channels that trust whoever reaches the port: they keep the server on loopback unless HOST says otherwise.
  const unauthenticated = [
    ...(teamsEndpoint && !env.MicrosoftAppId ? ["/api/messages (Teams without MicrosoftAppId)"] : []),
    ...(webChat ? ["the web chat (WEB_CHAT)"] : []),
    ...(!production && !env.OIDC_ISSUER ? ["the portfolio's person picker (no OIDC_ISSUER)"] : []),
  ];
  return {
    nodeEnv: env.NODE_ENV,
    production,
    port: env.PORT,
    host: env.HOST ?? (unauthenticated.length > 0 ? "127.0.0.1" : "0.0.0.0"),
    /** HOST was set explicitly (a non-loopback one with an unauthenticated channel is warned about). */
    hostSet: env.HOST !== undefined,
    unauthenticated,
    teamsEndpoint,
    databaseUrl: env.DATABASE_URL,
    timezone: env.TIMEZONE,
    defaultLocale: env.DEFAULT_LOCALE,
    holidayCountry: env.HOLIDAY_COUNTRY,
    teams: env.MicrosoftAppId
      ? {
          appId: env.MicrosoftAppId,
          appPassword: env.MicrosoftAppPassword ?? "",
          appType: env.MicrosoftAppType ?? "MultiTenant",
          tenantId: env.MicrosoftAppTenantId ?? "",
        }
      : undefined,
    slack:
      env.SLACK_SIGNING_SECRET && env.SLACK_BOT_TOKEN
        ? { signingSecret: env.SLACK_SIGNING_SECRET, botToken: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL }
        : undefined,
    seed: env.SEED ?? !production,
    webChat,
    logLevel: env.LOG_LEVEL,
    jobs: env.JOBS,
    // How long a replica's claim on an outbox message holds before another may take it over.
    outboxLeaseMs: env.OUTBOX_LEASE_SECONDS * 1000,
    // How long a message that meets transient errors or 429s is retried before it fails.
    outboxRetryMs: Math.round(env.OUTBOX_RETRY_HOURS * 3_600_000),
    // After how many days a sent message's payload (personal data) is pruned.
    outboxRetentionDays: env.OUTBOX_RETENTION_DAYS,
    // How much longer than the platform's each rate-limit window is counted (src/jobs/pacing.ts, WINDOW_MARGIN_MS).
    outboxPacingMarginMs: env.OUTBOX_PACING_MARGIN_MS,
    orgFile: env.ORG_FILE,
    // Unset: /metrics is open in development and not served in production.
    metricsToken: env.METRICS_TOKEN,
    portfolio: {
      publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ""),
      sessionSecret: env.SESSION_SECRET,
      oidc: env.OIDC_ISSUER
        ? { issuer: env.OIDC_ISSUER, clientId: env.OIDC_CLIENT_ID ?? "", clientSecret: env.OIDC_CLIENT_SECRET ?? "" }
        : undefined,
    },
    // Benchmarks and tests count SQL statements per request (GET /debug/statements); never in production.
    countStatements: env.PRISMA_COUNT_QUERIES && !production,
    /** HMAC key of the research export's pseudonyms; only `export research` needs it. */
    researchKey: env.RESEARCH_KEY,
  };
});

export type Config = z.output<typeof schema>;

export class ConfigError extends Error {}

/** A setting that parsed but does not work at start (port taken, database unreachable): one line naming it. */
export class StartupError extends Error {}

const invalid = (line: string) => new ConfigError(`Invalid configuration:\n  ${line}`);

/** Reads the environment (and `.env` when present), failing with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, dotenvPath = ".env"): Config {
  const fromFile = existsSync(dotenvPath) ? parseEnv(readFileSync(dotenvPath, "utf8")) : {};
  const merged = { ...fromFile, ...env };
  // Empty strings mean "unset", as in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const config = result.data;
  if (config.production && !config.teams && !config.slack) {
    throw invalid(
      "MicrosoftAppId or SLACK_SIGNING_SECRET + SLACK_BOT_TOKEN: NODE_ENV=production needs at least one authenticated channel (Teams credentials, Slack credentials, or both)",
    );
  }
  if (config.production && config.webChat) {
    throw invalid("WEB_CHAT: must not be true when NODE_ENV=production (its person picker lets anyone act as anyone, admins included)");
  }
  // botbuilder asserts these when the adapter is built; say which variable is missing at start instead.
  const teams = config.teams;
  if (teams && teams.appType !== "UserAssignedMSI" && !teams.appPassword) {
    throw invalid(`MicrosoftAppPassword: required with MicrosoftAppId (MicrosoftAppType ${teams.appType})`);
  }
  if (teams && teams.appType !== "MultiTenant" && !teams.tenantId) {
    throw invalid(`MicrosoftAppTenantId: required with MicrosoftAppType ${teams.appType}`);
  }
  checkPortfolio(config);
  return config;
}

/** Sign-in needs its redirect URI and a cookie key that survives restarts (and is the same on every replica). */
function checkPortfolio(config: Config): void {
  const { oidc, publicUrl, sessionSecret } = config.portfolio;
  if (!oidc) return;
  if (!oidc.clientId) throw invalid("OIDC_CLIENT_ID: required with OIDC_ISSUER");
  if (!publicUrl) throw invalid("PUBLIC_URL: required with OIDC_ISSUER (the sign-in redirect URI is PUBLIC_URL/auth/callback)");
  if (config.production && !sessionSecret) throw invalid("SESSION_SECRET: required with OIDC_ISSUER when NODE_ENV=production");
}
