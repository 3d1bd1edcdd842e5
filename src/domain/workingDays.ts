// Working days for service targets (triage within N working days): weekends
// and public holidays do not count. date-holidays marks Swedish midsummer,
// Christmas and New Year's Eve as "bank" days; offices close then, so they
// count as holidays too. Days are counted as whole local dates in `zone`.
import Holidays from "date-holidays";
import { DateTime } from "luxon";

const DAY_MS = 86_400_000;

export interface WorkingCalendar {
  isWorkingDay(date: Date): boolean;
  /** Working days after `from`'s date up to and including `to`'s date (0 on the same day). */
  between(from: Date, to: Date): number;
  /** A moment such that anything created before it is more than `days` working days old at `to`. */
  cutoff(to: Date, days: number): Date;
}

export function createWorkingCalendar(options: { country: string; zone: string }): WorkingCalendar {
  const holidays = new Holidays(options.country);
  const holidayYears = new Map<number, Set<string>>();
  // Day ordinal (days since 1970-01-01 as a local date) → working day; digests ask about thousands of dates.
  const working = new Map<number, boolean>();

  function holidayDates(year: number): Set<string> {
    let dates = holidayYears.get(year);
    if (!dates) {
      const list = holidays.getHolidays(year) || [];
      dates = new Set(list.filter((h) => h.type === "public" || h.type === "bank").map((h) => h.date.slice(0, 10)));
      holidayYears.set(year, dates);
    }
    return dates;
  }

  // The zone's UTC offset per UTC day, when it is the same all day (every day but the two DST changes):
  // converting thousands of dates through luxon one by one is what made digests slow.
  const dayOffsets = new Map<number, number | null>();
  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone: options.zone }).offset;

  function ordinal(date: Date): number {
    const ms = date.getTime();
    const utcDay = Math.floor(ms / DAY_MS);
    let offset = dayOffsets.get(utcDay);
    if (offset === undefined) {
      const start = offsetAt(utcDay * DAY_MS);
      offset = start === offsetAt((utcDay + 1) * DAY_MS - 1) ? start : null;
      dayOffsets.set(utcDay, offset);
    }
    return Math.floor((ms + (offset ?? offsetAt(ms)) * 60_000) / DAY_MS);
  }

  function isWorkingOrdinal(day: number): boolean {
    let result = working.get(day);
    if (result === undefined) {
      const iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
      const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday, 6 = Saturday
      result = weekday !== 0 && weekday !== 6 && !holidayDates(Number(iso.slice(0, 4))).has(iso);
      working.set(day, result);
    }
    return result;
  }

  return {
    isWorkingDay: (date) => isWorkingOrdinal(ordinal(date)),
    between(from, to) {
      const end = ordinal(to);
      let count = 0;
      for (let day = ordinal(from) + 1; day <= end; day++) if (isWorkingOrdinal(day)) count++;
      return count;
    },
    cutoff(to, days) {
      // The (days+1)-th working day counting back from `to`'s date: a need created before it has more than `days`.
      let day = ordinal(to);
      let left = days + 1;
      while (!(isWorkingOrdinal(day) && --left === 0)) day--;
      const iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
      return DateTime.fromISO(iso, { zone: options.zone }).toJSDate();
    },
  };
}
