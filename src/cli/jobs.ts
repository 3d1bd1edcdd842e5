// `jobs list` and `jobs run <name> [--at ISO-TIME] [--dry-run]`: one tick of a
// job now or as if at another time, for operators and tests.
import { CronExpressionParser } from "cron-parser";
import { DateTime } from "luxon";
import { createApp, type App } from "../app.ts";
import { loadConfig } from "../config.ts";
import { registerOutboundDeliverers } from "../bots/outbound.ts";
import { allJobs } from "../jobs/index.ts";
import { runJob } from "../jobs/scheduler.ts";
import { createLogger } from "../log.ts";
import { openStore } from "../store/index.ts";
import type { CliCommandDefinition, CliIo } from "./types.ts";

/** Runs `fn` with an App over the configured database, closed afterwards (commands that need no chat channel). */
export async function withApp<T>(fn: (app: App) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore(config.databaseUrl);
  try {
    return await fn(createApp({ config, store, log: createLogger(config.logLevel === "info" ? "warn" : config.logLevel) }));
  } finally {
    await store.close();
  }
}

async function list(io: CliIo): Promise<number> {
  return withApp(async (app) => {
    const now = app.clock();
    const zone = app.config.timezone;
    io.out(`Jobs (times in ${zone}):`);
    for (const job of allJobs()) {
      const next = CronExpressionParser.parse(job.schedule, { currentDate: now, tz: zone }).next().toDate();
      const last = await app.store.jobRuns.last(job.name);
      const fmt = (d: Date) => DateTime.fromJSDate(d, { zone }).toFormat("yyyy-MM-dd HH:mm");
      io.out(`  ${job.name.padEnd(14)} ${job.schedule.padEnd(13)} next ${fmt(next)}   ${job.description}`);
      io.out(`  ${"".padEnd(14)} last: ${last ? `${fmt(last.startedAt)} ${last.status}${last.result ? `: ${last.result}` : ""}` : "never"}`);
    }
    return 0;
  });
}

async function run(args: string[], io: CliIo): Promise<number> {
  const positional = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--at");
  const atIndex = args.indexOf("--at");
  const dryRun = args.includes("--dry-run");
  const unknown = args.filter((a) => a.startsWith("--") && a !== "--at" && a !== "--dry-run");
  const name = positional[0];
  const job = allJobs().find((j) => j.name === name);
  if (!name || !job || unknown.length || positional.length > 1) {
    io.err(
      `${unknown.length ? `Unknown option ${unknown.join(", ")}. ` : name && !job ? `Unknown job "${name}". ` : ""}Usage: jobs run <name> [--at ISO-TIME] [--dry-run]; jobs: ${allJobs()
        .map((j) => j.name)
        .join(", ")}`,
    );
    return 2;
  }
  let now: Date | undefined;
  if (atIndex >= 0) {
    const at = DateTime.fromISO(args[atIndex + 1] ?? "", { setZone: true });
    if (!at.isValid) {
      io.err(`--at needs an ISO time, e.g. 2026-03-30T09:00:00+02:00 (got ${args[atIndex + 1] ?? "nothing"})`);
      return 2;
    }
    now = at.toJSDate();
  }
  return withApp(async (app) => {
    // The outbox job sends to Teams and Slack like a replica does.
    if (job.name === "outbox" && !dryRun) await registerOutboundDeliverers(app);
    const at = now ?? app.clock();
    io.out(`${job.name}: ${dryRun ? "dry run (nothing is changed or sent) " : ""}as of ${at.toISOString()}`);
    const result = await runJob(app, job, { now: at, dryRun, out: (line) => io.out(`  ${line}`) });
    io.out(`${job.name}: ${result.summary}`);
    return 0;
  });
}

export const jobsCommands: Record<string, CliCommandDefinition> = {
  jobs: {
    usage: "jobs list | jobs run <name> [--at ISO-TIME] [--dry-run]   scheduled jobs: list, or run one tick",
    async run(args, io) {
      const [sub, ...rest] = args;
      if (sub === "list") return list(io);
      if (sub === "run") return run(rest, io);
      io.err("Usage: jobs list | jobs run <name> [--at ISO-TIME] [--dry-run]");
      return 2;
    },
  },
};
