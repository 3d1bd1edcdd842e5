// The one test harness: the real App over a real migrated (and seeded) SQLite
// file, with a clock the test moves, for tests that drive the core router and
// jobs without HTTP. `createTestApp` opens its own database; `clockedApp`
// (test/helpers/jobs.ts) puts the same App over a database the test holds.
import { createApp, type App } from "../../src/app.ts";
import type { Reply, Turn } from "../../src/bots/core/types.ts";
import { loadConfig } from "../../src/config.ts";
import type { Person } from "../../src/domain/types.ts";
import { createLogger } from "../../src/log.ts";
import { createTestDb, type TestDb } from "./db.ts";

/** An App over `db` whose clock reads `now`, moved by the caller. */
export function appWithClock(db: TestDb, start: Date, env: Record<string, string> = {}) {
  let now = start;
  const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: "silent", ...env }, "/nonexistent/.env");
  const app = createApp({ config, store: db.store, log: createLogger("silent"), clock: () => now });
  /** A chat turn through the core router (any platform's path), as the web chat sends it. */
  const turn = (person: Person, rest: Pick<Turn, "text" | "action">) => app.handle({ person, platform: "web", personal: true, ...rest });
  return {
    app,
    setNow(date: Date): Date {
      now = date;
      return now;
    },
    turn,
  };
}

export interface TestApp extends TestDb {
  app: App;
  /** Sets the clock the app reads. */
  setNow(date: Date): void;
  say(person: Person, text: string): Promise<Reply>;
  click(person: Person, verb: string, data?: Record<string, unknown>): Promise<Reply>;
}

export async function createTestApp(options: { seed?: boolean; now: Date; env?: Record<string, string> }): Promise<TestApp> {
  const db = await createTestDb({ seed: options.seed, now: options.now });
  const { app, setNow, turn } = appWithClock(db, options.now, options.env);
  return {
    ...db,
    app,
    setNow,
    say: (person, text) => turn(person, { text }),
    click: (person, verb, data = {}) => turn(person, { action: { verb, data } }),
  };
}
