// One-tick job runs over the test harness (test/helpers/app.ts) with a clock
// the test moves, and the rows the jobs write.
import type { App } from "../../src/app.ts";
import { jobByName } from "../../src/jobs/index.ts";
import { runJob } from "../../src/jobs/scheduler.ts";
import type { Store } from "../../src/store/index.ts";
import { appWithClock } from "./app.ts";
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
  const { app, setNow, turn } = appWithClock(db, new Date("2026-01-01T00:00:00Z"), { JOBS: "false", ...env });
  const as = async (personId: number) => (await db.store.people.byId(personId))!;
  return {
    app,
    setNow: (iso) => setNow(new Date(iso)),
    async tick(name, iso) {
      const now = setNow(new Date(iso));
      const job = jobByName(name);
      if (!job) throw new Error(`no job ${name}`);
      return (await runJob(app, job, { now })).summary;
    },
    say: async (personId, text) => turn(await as(personId), { text }),
    click: async (personId, verb, data = {}) => turn(await as(personId), { action: { verb, data } }),
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
