// The real App over a real migrated (and seeded) SQLite file, with a fixed clock,
// for tests that drive the core router and jobs without HTTP.
import { createApp, type App } from "../../src/app.ts";
import type { Reply } from "../../src/bots/core/types.ts";
import { loadConfig } from "../../src/config.ts";
import type { Person } from "../../src/domain/types.ts";
import { createLogger } from "../../src/log.ts";
import { createTestDb, type TestDb } from "./db.ts";

export interface TestApp extends TestDb {
  app: App;
  /** Sets the clock the app reads. */
  setNow(date: Date): void;
  say(person: Person, text: string): Promise<Reply>;
  click(person: Person, verb: string, data?: Record<string, unknown>): Promise<Reply>;
}

export async function createTestApp(options: { seed?: boolean; now: Date; env?: Record<string, string> }): Promise<TestApp> {
  const db = await createTestDb({ seed: options.seed, now: options.now });
  let now = options.now;
  const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: "silent", ...options.env }, "/nonexistent/.env");
  const app = createApp({ config, store: db.store, log: createLogger("silent"), clock: () => now });
  return {
    ...db,
    app,
    setNow: (date) => {
      now = date;
    },
    say: (person, text) => app.handle({ person, platform: "web", personal: true, text }),
    click: (person, verb, data = {}) => app.handle({ person, platform: "web", personal: true, action: { verb, data } }),
  };
}
