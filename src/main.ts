// Starts Samordna: config, database (migrated, seeded on first start), HTTP
// server, and graceful shutdown on SIGTERM/SIGINT.
import type { AddressInfo } from "node:net";
import { createApp, type App } from "./app.ts";
import { ConfigError, loadConfig, StartupError, type Config } from "./config.ts";
import { OrgFileError } from "./domain/orgFile.ts";
import { describeChange } from "./domain/orgModel.ts";
import { createLogger } from "./log.ts";
import { isLoopbackHost } from "./loopback.ts";
import { allJobs } from "./jobs/index.ts";
import { startScheduler, type Scheduler } from "./jobs/scheduler.ts";
import { applyOrgFile } from "./applyOrgFile.ts";
import { createHttpServer, listen, type ChannelMount, type HttpServer } from "./server.ts";
import { openStore, type Store } from "./store/index.ts";
import { databaseFailure } from "./store/openFailure.ts";
import { seedDemo } from "./store/seed.ts";

export interface Running {
  url: string;
  /** The running composition root (tests drive deliverers and jobs through it). */
  app: App;
  stop(): Promise<void>;
}

/** `clock` stands in for the time of day (tests with a fixed clock). */
export async function start(config: Config, options: { clock?: () => Date } = {}): Promise<Running> {
  const log = createLogger(config.logLevel);
  // The channels' SDKs load while the database opens.
  const mounts = channelMounts(config);
  mounts.catch(() => {}); // awaited below; a failed start must not also report it as unhandled
  const store = await openDatabase(config.databaseUrl, { countStatements: config.countStatements });
  let app: App;
  let server: HttpServer;
  try {
    if (config.seed) {
      const { seeded } = await seedDemo(store);
      if (seeded) log.info("empty database: demo data loaded (SEED=false to skip)");
    }
    if (config.orgFile) {
      // A bad file stops the start: running with half an organisation helps nobody.
      const changes = await applyOrgFile(store, config, config.orgFile);
      log.info({ file: config.orgFile, changes: changes.map(describeChange) }, `organisation file applied: ${changes.length} change(s)`);
    }
    app = createApp({ config, store, log, clock: options.clock });
    server = await createHttpServer(app, await mounts);
    await listen(server, config.port, config.host);
  } catch (err) {
    await store.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === "0.0.0.0" ? "localhost" : config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  // Warnings about the configuration come before the line that says it listens: whoever waits for that line has them all.
  if (config.teamsEndpoint && !config.teams) {
    log.warn("MicrosoftAppId is not set: /api/messages runs in local development mode WITHOUT authentication, for loopback serviceUrls only");
  }
  if (config.hostSet && !isLoopbackHost(config.host) && config.unauthenticated.length > 0) {
    log.warn(
      { host: config.host, unauthenticated: config.unauthenticated },
      `HOST ${config.host} is not loopback while ${config.unauthenticated.join(" and ")} run without authentication: anyone who reaches the port can act as anyone`,
    );
  }
  log.info({ url, database: store.kind, webChat: config.webChat, teams: config.teamsEndpoint, slack: Boolean(config.slack) }, `Samordna listening on ${url}`);
  for (const p of await app.status.cadenceProblems()) {
    log.warn({ workPackage: p.code, cadence: p.cadence }, `invalid status ping cadence of ${p.code}: ${p.problem}; its pings are skipped`);
  }
  let scheduler: Scheduler | undefined;
  if (config.jobs) scheduler = startScheduler(app, allJobs());
  // Built in the background so the first person to report a need after a restart does not wait for it (seconds at 10,000 needs).
  app.needs.warm().then(
    (needs) => log.info({ needs }, "similar-needs index built"),
    (err: unknown) => log.warn({ err }, "similar-needs index not built at start; the first lookup builds it"),
  );

  let stopping: Promise<void> | undefined;
  return {
    url,
    app,
    stop() {
      stopping ??= (async () => {
        log.info("shutting down");
        await scheduler?.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await store.close();
      })();
      return stopping;
    },
  };
}

/**
 * The chat channels this configuration runs. Production serves /api/messages
 * only with Teams credentials: a Slack-only organisation runs nothing of Teams.
 * Each SDK is loaded only when its channel runs (botbuilder and Bolt take
 * about half a second each to load, a large part of a cold start); the Teams
 * mount defers botbuilder further, to the first activity (mount.ts).
 */
async function channelMounts(config: Config): Promise<ChannelMount[]> {
  const [teams, slack] = await Promise.all([
    config.teamsEndpoint ? import("./bots/teams/mount.ts") : undefined,
    config.slack ? import("./bots/slack/app.ts") : undefined,
  ]);
  return [...(teams ? [teams.createTeamsMount()] : []), ...(slack && config.slack ? [slack.createSlackChannel(config.slack)] : [])];
}

/** Opens (and migrates) the database; one that cannot be reached is a StartupError naming DATABASE_URL. */
async function openDatabase(url: string, options: { countStatements: boolean }): Promise<Store> {
  try {
    return await openStore(url, options);
  } catch (err) {
    const line = databaseFailure(url, err);
    throw line ? new StartupError(line) : err;
  }
}

async function main() {
  let running: Running;
  try {
    running = await start(loadConfig());
  } catch (err) {
    // A setting that is wrong or does not work: its message names it; a stack trace would only hide it.
    if (err instanceof ConfigError || err instanceof OrgFileError) {
      console.error(err.message);
      process.exit(78);
    }
    if (err instanceof StartupError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      running.stop().then(
        () => process.exit(0),
        (err) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runMain();
}

/** Runs main; an unexpected failure at start is logged with its stack. */
export function runMain() {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
