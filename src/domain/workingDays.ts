// Working days for service targets (triage within N working days): weekends
// and public holidays do not count. date-holidays marks Swedish midsummer,
// Christmas and New Year's Eve as "bank" days; offices close then, so they
// count as holidays too.
import Holidays from "date-holidays";
import { DateTime } from "luxon";

export interface WorkingCalendar {
  isWorkingDay(day: DateTime): boolean;
  /** Whole working days after `from`'s date up to and including `to`'s date (0 on the same day). */
  between(from: Date, to: Date): number;
  /** A moment such that anything created before it is more than `days` working days old at `to`. */
  cutoff(to: Date, days: number): Date;
}

export function createWorkingCalendar(options: { country: string; zone: string }): WorkingCalendar {
  const holidays = new Holidays(options.country);
  const byYear = new Map<number, Set<string>>();

  function holidayDates(year: number): Set<string> {
    let dates = byYear.get(year);
    if (!dates) {
      const list = holidays.getHolidays(year) || [];
      dates = new Set(list.filter((h) => h.type === "public" || h.type === "bank").map((h) => h.date.slice(0, 10)));
      byYear.set(year, dates);
    }
    return dates;
  }

  function isWorkingDay(day: DateTime): boolean {
    return day.weekday <= 5 && !holidayDates(day.year).has(day.toISODate()!);
  }

  const day = (date: Date) => DateTime.fromJSDate(date, { zone: options.zone }).startOf("day");

  return {
    isWorkingDay,
    between(from, to) {
      let cursor = day(from);
      const end = day(to);
      let count = 0;
      while (cursor < end) {
        cursor = cursor.plus({ days: 1 });
        if (isWorkingDay(cursor)) count++;
      }
      return count;
    },
    cutoff(to, days) {
      // The (days+1)-th working day counting back from `to`'s date: a need created before it has more than `days`.
      let cursor = day(to);
      let left = days + 1;
      for (;;) {
        if (isWorkingDay(cursor) && --left === 0) return cursor.toJSDate();
        cursor = cursor.minus({ days: 1 });
      }
    },
  };
}
