// An App over a test database with a clock the test moves, and one-tick job runs.
import { createApp, type App } from "../../src/app.ts";
import type { Turn } from "../../src/bots/core/types.ts";
import { loadConfig } from "../../src/config.ts";
import { jobByName } from "../../src/jobs/index.ts";
import { runJob } from "../../src/jobs/scheduler.ts";
import { createLogger } from "../../src/log.ts";
import type { Store } from "../../src/store/index.ts";
import type { TestDb } from "./db.ts";

export interface ClockedApp {
  app: App;
  setNow(iso: string): Date;
  /** One tick of a job at `iso` (the clock moves there too). */
  tick(job: string, iso: string): Promise<string>;
  /** A chat turn as `personId` (any platform's path through the core router). */
  say(personId: number, text: string): Promise<Awaited<ReturnType<App["handle"]>>>;
  click(personId: number, verb: string, data?: Record<string, unknown>): Promise<Awaited<ReturnType<App["handle"]>>>;
}

export function clockedApp(db: TestDb, env: Record<string, string> = {}): ClockedApp {
  let now = new Date("2026-01-01T00:00:00Z");
  const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: "silent", JOBS: "false", ...env }, "/nonexistent/.env");
  const app = createApp({ config, store: db.store, log: createLogger("silent"), clock: () => now });
  const turn = async (personId: number, rest: Pick<Turn, "text" | "action">) => {
    const person = (await db.store.people.byId(personId))!;
    return app.handle({ person, platform: "web", personal: true, ...rest });
  };
  return {
    app,
    setNow(iso) {
      now = new Date(iso);
      return now;
    },
    async tick(name, iso) {
      now = new Date(iso);
      const job = jobByName(name);
      if (!job) throw new Error(`no job ${name}`);
      return (await runJob(app, job, { now })).summary;
    },
    say: (personId, text) => turn(personId, { text }),
    click: (personId, verb, data = {}) => turn(personId, { action: { verb, data } }),
  };
}

export async function outboxRows(store: Store) {
  return store.db.outboxMessage.findMany({ orderBy: { id: "asc" } });
}

export async function requestRows(store: Store) {
  return store.db.statusRequest.findMany({ orderBy: { id: "asc" }, include: { workPackage: { select: { code: true } } } });
}

/** Only these work packages are pinged (the others are paused), with this cadence. */
export async function onlyPing(store: Store, codes: string[], cadence?: string) {
  await store.db.workPackage.updateMany({ data: { pingsPaused: true } });
  await store.db.workPackage.updateMany({ where: { code: { in: codes } }, data: { pingsPaused: false, ...(cadence ? { cadence } : {}) } });
}
