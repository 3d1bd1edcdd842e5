// Ping cadences as the organisation file and admins write them: checked and
// read through the one parser in statusPings.ts, so the format grows in one place.
import type { Calendar } from "./calendar.ts";
import { CadenceError, DEFAULT_CADENCE, nextPingTimes, parseCadence } from "./statusPings.ts";

export { DEFAULT_CADENCE };

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
  if (!isTimeZone(timezone)) return `"${timezone}" is not a known IANA time zone`;
  try {
    parseCadence(cadence);
    return null;
  } catch (err) {
    if (err instanceof CadenceError) return err.message;
    throw err;
  }
}

/** The next ping after `after` (working days and week interval applied), or null when the cadence is unusable. */
export function nextFire(cadence: string, timezone: string, after: Date, calendar: Calendar): Date | null {
  if (cadenceProblem(cadence, timezone)) return null;
  return nextPingTimes(parseCadence(cadence), after, timezone, calendar, 1)[0] ?? null;
}
