// Ping cadences. Today a cadence is a 5-field cron expression (minute hour
// day-of-month month day-of-week) read in the work package's time zone; every
// check goes through `cadenceProblem` so the format can grow in one place.
import { CronExpressionParser } from "cron-parser";

export const DEFAULT_CADENCE = "0 9 * * 1";

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Why `cadence` is not usable, or null when it is. */
export function cadenceProblem(cadence: string, timezone: string): string | null {
  const fields = cadence.trim().split(/\s+/);
  if (fields.length !== 5 || fields[0] === "") {
    return `"${cadence}" is not a cron expression with 5 fields (minute hour day month weekday)`;
  }
  if (!isTimeZone(timezone)) return `"${timezone}" is not a known IANA time zone`;
  try {
    CronExpressionParser.parse(cadence.trim(), { tz: timezone });
    return null;
  } catch (err) {
    return `"${cadence}" is not a valid cron expression: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The next time the cadence fires after `after`, or null when it is unusable. */
export function nextFire(cadence: string, timezone: string, after: Date): Date | null {
  if (cadenceProblem(cadence, timezone)) return null;
  return CronExpressionParser.parse(cadence.trim(), { tz: timezone, currentDate: after }).next().toDate();
}
