// Command line: `npm run cli -- <command>` (or the `samordna` bin). Each
// feature keeps its commands in src/cli/<feature>.ts.
import { announcementCommands } from "./cli/announcements.ts";
import { dataCommands } from "./cli/data.ts";
import { databaseCommands } from "./cli/database.ts";
import { orgCommands } from "./cli/org.ts";
import { jobsCommands } from "./cli/jobs.ts";
import type { CliCommandDefinition, CliIo } from "./cli/types.ts";

const commands: Record<string, CliCommandDefinition> = {
  ...databaseCommands,
  ...dataCommands,
  ...orgCommands,
  ...jobsCommands,
  ...announcementCommands,
};

function usage(): string {
  return `Usage: samordna <command>\n\n${Object.values(commands)
    .map((c) => `  ${c.usage}`)
    .join("\n")}\n`;
}

export async function runCli(argv: string[], io: CliIo = { out: console.log, err: console.error }): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    const asked = !name || name === "help" || name === "--help";
    io.err(asked ? usage() : `Unknown command: ${name}\n\n${usage()}`);
    return asked ? 0 : 2;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    io.err(err instanceof Error ? err.message : String(err));
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
