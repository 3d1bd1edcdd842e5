// Command line: `npm run cli -- <command>` (or the `samordna` bin).
import { loadConfig } from "./config.ts";
import { openStore } from "./store/index.ts";
import { migrate } from "./store/migrate.ts";
import { seedDemo } from "./store/seed.ts";

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

const usage = `Usage: samordna <command>

  migrate                      apply database migrations
  seed                         load the demo data into an empty database
`;

const commands: Record<string, CliCommand> = {
  async migrate(_args, io) {
    const config = loadConfig();
    const { applied } = await migrate(config.databaseUrl);
    io.out(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "Database is up to date.");
    return 0;
  },
  async seed(_args, io) {
    const config = loadConfig();
    const store = await openStore(config.databaseUrl);
    try {
      const { seeded } = await seedDemo(store.db);
      io.out(seeded ? "Demo data loaded." : "The database already holds data; nothing was loaded.");
      return 0;
    } finally {
      await store.close();
    }
  },
};

export async function runCli(argv: string[], io: CliIo = { out: console.log, err: console.error }): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    io.err(name && name !== "help" && name !== "--help" ? `Unknown command: ${name}\n\n${usage}` : usage);
    return name && name !== "help" && name !== "--help" ? 2 : 0;
  }
  try {
    return await command(args, io);
  } catch (err) {
    io.err(err instanceof Error ? err.message : String(err));
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
