// Working days: weekends and public holidays (date-holidays) do not count, in
// the subject's own time zone. Local times are kept across daylight-saving
// changes by doing the date arithmetic in luxon's zoned DateTime.
import Holidays from "date-holidays";
import { DateTime } from "luxon";

/**
 * Holiday types that close offices. In Sweden, Christmas Eve, Midsummer Eve
 * and New Year's Eve are "bank" days in date-holidays: de facto days off.
 */
const CLOSED_TYPES = new Set(["public", "bank"]);

export interface Calendar {
  /** True for a weekday that is not a public holiday, on the local date of `at` in `zone`. */
  isWorkingDay(at: Date, zone: string): boolean;
  /** `at` itself when it falls on a working day, else the same local time on the next working day. */
  nextWorkingTime(at: Date, zone: string): Date;
  /** The same local time `days` working days later (0 = `at` moved to a working day). */
  addWorkingDays(at: Date, days: number, zone: string): Date;
  /** Working days from the local date of `from` to that of `to` (0 when `to` is not later). */
  workingDaysBetween(from: Date, to: Date, zone: string): number;
}

export function createCalendar(country: string): Calendar {
  const holidays = new Holidays(country);
  const closedDates = new Map<number, Set<string>>();

  function closedIn(year: number): Set<string> {
    let dates = closedDates.get(year);
    if (!dates) {
      const list = holidays.getHolidays(year) || [];
      dates = new Set(list.filter((h) => CLOSED_TYPES.has(h.type)).map((h) => h.date.slice(0, 10)));
      closedDates.set(year, dates);
    }
    return dates;
  }

  function workingLocal(local: DateTime): boolean {
    return local.weekday <= 5 && !closedIn(local.year).has(local.toISODate()!);
  }

  function local(at: Date, zone: string): DateTime {
    return DateTime.fromJSDate(at, { zone });
  }

  function nextWorkingLocal(start: DateTime): DateTime {
    let d = start;
    // A year holds no more than a couple of weeks of consecutive closed days.
    for (let i = 0; i < 30 && !workingLocal(d); i++) d = d.plus({ days: 1 });
    return d;
  }

  return {
    isWorkingDay: (at, zone) => workingLocal(local(at, zone)),
    nextWorkingTime: (at, zone) => nextWorkingLocal(local(at, zone)).toJSDate(),
    addWorkingDays(at, days, zone) {
      let d = nextWorkingLocal(local(at, zone));
      for (let i = 0; i < days; i++) d = nextWorkingLocal(d.plus({ days: 1 }));
      return d.toJSDate();
    },
    workingDaysBetween(from, to, zone) {
      let d = local(from, zone).startOf("day");
      const end = local(to, zone).startOf("day");
      let count = 0;
      for (let i = 0; i < 3660 && d < end; i++) {
        d = d.plus({ days: 1 });
        if (workingLocal(d)) count++;
      }
      return count;
    },
  };
}
