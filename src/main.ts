// Starts Samordna: config, database (migrated, seeded on first start), HTTP
// server, and graceful shutdown on SIGTERM/SIGINT.
import type { AddressInfo } from "node:net";
import { createApp, type App } from "./app.ts";
import { createTeamsMount } from "./bots/teams/adapter.ts";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { OrgFileError } from "./domain/orgFile.ts";
import { describeChange } from "./domain/orgModel.ts";
import { createLogger } from "./log.ts";
import { createSlackChannel } from "./bots/slack/app.ts";
import { allJobs } from "./jobs/index.ts";
import { startScheduler, type Scheduler } from "./jobs/scheduler.ts";
import { applyOrgFile } from "./organisationFile.ts";
import { createHttpServer, type ChannelMount } from "./server.ts";
import { openStore } from "./store/index.ts";
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
  const store = await openStore(config.databaseUrl, { countStatements: config.countStatements });
  if (config.seed) {
    const { seeded } = await seedDemo(store);
    if (seeded) log.info("empty database: demo data loaded (SEED=false to skip)");
  }
  if (config.orgFile) {
    // A bad file stops the start: running with half an organisation helps nobody.
    try {
      const changes = await applyOrgFile(store, config, config.orgFile);
      log.info({ file: config.orgFile, changes: changes.map(describeChange) }, `organisation file applied: ${changes.length} change(s)`);
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  const app = createApp({ config, store, log, clock: options.clock });
  // The Teams endpoint is always there: without credentials it runs in local development mode.
  const channels: ChannelMount[] = [createTeamsMount()];
  if (config.slack) channels.push(createSlackChannel(config.slack));
  const server = await createHttpServer(app, channels);
  // The web chat has no sign-in: keep it on loopback unless HOST says otherwise.
  const host = config.host ?? (config.webChat ? "127.0.0.1" : "0.0.0.0");
  await new Promise<void>((resolve) => server.listen(config.port, host, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`;
  log.info({ url, database: store.kind, webChat: config.webChat, slack: Boolean(config.slack) }, `Samordna listening on ${url}`);
  if (!config.teams) log.warn("MicrosoftAppId is not set: /api/messages runs in local development mode WITHOUT authentication");
  for (const p of await app.status.cadenceProblems()) {
    log.warn({ workPackage: p.code, cadence: p.cadence }, `invalid status ping cadence of ${p.code}: ${p.problem}; its pings are skipped`);
  }
  let scheduler: Scheduler | undefined;
  if (config.jobs) scheduler = startScheduler(app, allJobs());

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

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  let running: Running;
  try {
    running = await start(config);
  } catch (err) {
    if (err instanceof OrgFileError) {
      console.error(err.message);
      process.exit(78);
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
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
