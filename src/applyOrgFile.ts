// Reads an organisation file from disk and applies it (or only diffs it):
// shared by `org apply` and by start-up with ORG_FILE.
import { readFileSync } from "node:fs";
import { notificationCard } from "./cards/notification.ts";
import type { Config } from "./config.ts";
import { applyOrganisation } from "./domain/organisation.ts";
import { OrgFileError, parseOrgFile } from "./domain/orgFile.ts";
import type { OrgChange } from "./domain/orgModel.ts";
import { isUniqueViolation } from "./store/client.ts";
import type { Store } from "./store/index.ts";

/** Throws OrgFileError, naming every problem, when anything is wrong; then nothing is applied. */
export async function applyOrgFile(store: Store, config: Config, file: string, options: { dryRun?: boolean; now?: Date } = {}): Promise<OrgChange[]> {
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch (err) {
    throw new OrgFileError(file, [{ path: [], message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})` }]);
  }
  const parsed = parseOrgFile(source, file, { defaultTimezone: config.timezone });
  const apply = () =>
    applyOrganisation(store, parsed, {
      dryRun: options.dryRun,
      now: options.now ?? new Date(),
      defaults: { timezone: config.timezone, locale: config.defaultLocale },
      render: notificationCard,
    });
  try {
    return await apply();
  } catch (err) {
    // Two replicas starting with the same ORG_FILE: the loser's transaction
    // rolled back; a second pass sees the winner's rows and applies what is left.
    if (isUniqueViolation(err)) return apply();
    throw err;
  }
}
