// `org apply FILE [--dry-run]` and `org export [FILE]`: the organisation kept as code.
import { writeFileSync } from "node:fs";
import { loadConfig, type Config } from "../config.ts";
import { exportOrganisation } from "../domain/organisation.ts";
import { OrgFileError } from "../domain/orgFile.ts";
import { describeChange, type OrgChange } from "../domain/orgModel.ts";
import { applyOrgFile } from "../applyOrgFile.ts";
import { openStore, type Store } from "../store/index.ts";
import type { CliCommandDefinition, CliIo } from "./types.ts";

function printChanges(io: CliIo, changes: OrgChange[], dryRun: boolean): void {
  if (changes.length === 0) {
    io.out("No changes: the organisation already matches the file.");
    return;
  }
  for (const c of changes) io.out(describeChange(c));
  const count = (kind: OrgChange["kind"]) => changes.filter((c) => c.kind === kind).length;
  const summary = `${count("added")} added, ${count("changed")} changed, ${count("deactivated")} deactivated`;
  io.out(dryRun ? `Dry run: ${summary}; nothing was changed.` : `Applied: ${summary}.`);
}

async function withStore<T>(fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore(config.databaseUrl);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

export const orgCommands: Record<string, CliCommandDefinition> = {
  org: {
    usage: "org apply FILE [--dry-run]   validate an organisation file, show the changes and apply them\n  org export [FILE]            write the organisation as a file (stdout without FILE)",
    async run(args, io) {
      const [sub, ...rest] = args;
      if (sub === "apply") {
        const dryRun = rest.includes("--dry-run");
        const files = rest.filter((a) => a !== "--dry-run");
        const unknown = files.filter((a) => a.startsWith("--"));
        if (files.length !== 1 || unknown.length > 0) {
          io.err("Usage: org apply FILE [--dry-run]");
          return 2;
        }
        try {
          const changes = await withStore((store, config) => applyOrgFile(store, config, files[0], { dryRun }));
          printChanges(io, changes, dryRun);
          return 0;
        } catch (err) {
          if (err instanceof OrgFileError) {
            io.err(err.message);
            return 1;
          }
          throw err;
        }
      }
      if (sub === "export" && rest.length <= 1 && !rest[0]?.startsWith("--")) {
        const text = await withStore((store, config) => exportOrganisation(store, { timezone: config.timezone }));
        if (rest[0]) {
          writeFileSync(rest[0], text);
          io.out(`Wrote ${rest[0]}.`);
        } else io.out(text.trimEnd());
        return 0;
      }
      io.err("Usage: org apply FILE [--dry-run] | org export [FILE]");
      return 2;
    },
  },
};
