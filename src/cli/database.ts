import { loadConfig } from "../config.ts";
import { openStore } from "../store/index.ts";
import { migrate } from "../store/migrate.ts";
import { seedDemo } from "../store/seed.ts";
import type { CliCommandDefinition } from "./types.ts";

export const databaseCommands: Record<string, CliCommandDefinition> = {
  migrate: {
    usage: "migrate                      apply database migrations",
    async run(_args, io) {
      const { applied } = await migrate(loadConfig().databaseUrl);
      io.out(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "Database is up to date.");
      return 0;
    },
  },
  seed: {
    usage: "seed                         load the demo data into an empty database",
    async run(_args, io) {
      const store = await openStore(loadConfig().databaseUrl);
      try {
        const { seeded } = await seedDemo(store);
        io.out(seeded ? "Demo data loaded." : "The database already holds data; nothing was loaded.");
        return 0;
      } finally {
        await store.close();
      }
    },
  },
};
