// Working days: weekends and public holidays (date-holidays) do not count, in
// the subject's own time zone. Local times are kept across daylight-saving
// changes by doing the date arithmetic in luxon's zoned DateTime; counting days
// (digests ask about thousands of dates) works on local day numbers instead.
import { createRequire } from "node:module";
import type Holidays from "date-holidays";
import { DateTime } from "luxon";

// date-holidays loads the rules of every country (a tenth of a second or more);
// it is required synchronously on the first holiday lookup instead of at start.
const require = createRequire(import.meta.url);
const loadHolidays = (country: string): Holidays => new (require("date-holidays") as typeof Holidays)(country);

/**
 * Holiday types that close offices. In Sweden, Christmas Eve, Midsummer Eve
 * and New Year's Eve are "bank" days in date-holidays: de facto days off.
 */
const CLOSED_TYPES = new Set(["public", "bank"]);
const DAY_MS = 86_400_000;

export interface Calendar {
  /** True for a weekday that is not a public holiday, on the local date of `at` in `zone`. */
  isWorkingDay(at: Date, zone: string): boolean;
  /** `at` itself when it falls on a working day, else the same local time on the next working day. */
  nextWorkingTime(at: Date, zone: string): Date;
  /** The same local time `days` working days later (0 = `at` moved to a working day). */
  addWorkingDays(at: Date, days: number, zone: string): Date;
  /** Working days after the local date of `from` up to and including that of `to` (0 when `to` is not later). */
  workingDaysBetween(from: Date, to: Date, zone: string): number;
  /** The start of a local day such that anything before it is more than `days` working days old at `to`. */
  workingDaysCutoff(to: Date, days: number, zone: string): Date;
}

export function createCalendar(country: string): Calendar {
  let holidays: Holidays | undefined;
  const closedDates = new Map<number, Set<string>>();
  // Local day number (days since 1970-01-01 as a local date) → working day.
  const workingDays = new Map<number, boolean>();
  // Per zone and UTC day: the zone's offset when it is the same all day (every day but the DST changes).
  const dayOffsets = new Map<string, number | null>();

  function closedIn(year: number): Set<string> {
    let dates = closedDates.get(year);
    if (!dates) {
      holidays ??= loadHolidays(country);
      const list = holidays.getHolidays(year) || [];
      dates = new Set(list.filter((h) => CLOSED_TYPES.has(h.type)).map((h) => h.date.slice(0, 10)));
      closedDates.set(year, dates);
    }
    return dates;
  }

  function isWorkingDayNumber(day: number): boolean {
    let result = workingDays.get(day);
    if (result === undefined) {
      const iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
      const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday, 6 = Saturday
      result = weekday !== 0 && weekday !== 6 && !closedIn(Number(iso.slice(0, 4))).has(iso);
      workingDays.set(day, result);
    }
    return result;
  }

  function dayNumber(at: Date, zone: string): number {
    const ms = at.getTime();
    const utcDay = Math.floor(ms / DAY_MS);
    const key = `${zone}|${utcDay}`;
    let offset = dayOffsets.get(key);
    if (offset === undefined) {
      const start = DateTime.fromMillis(utcDay * DAY_MS, { zone }).offset;
      offset = start === DateTime.fromMillis((utcDay + 1) * DAY_MS - 1, { zone }).offset ? start : null;
      dayOffsets.set(key, offset);
    }
    return Math.floor((ms + (offset ?? DateTime.fromMillis(ms, { zone }).offset) * 60_000) / DAY_MS);
  }

  function workingLocal(local: DateTime): boolean {
    return local.weekday <= 5 && !closedIn(local.year).has(local.toISODate()!);
  }

  function nextWorkingLocal(start: DateTime): DateTime {
    let d = start;
    // A year holds no more than a couple of weeks of consecutive closed days.
    for (let i = 0; i < 30 && !workingLocal(d); i++) d = d.plus({ days: 1 });
    return d;
  }

  const local = (at: Date, zone: string) => DateTime.fromJSDate(at, { zone });

  return {
    isWorkingDay: (at, zone) => isWorkingDayNumber(dayNumber(at, zone)),
    nextWorkingTime: (at, zone) => nextWorkingLocal(local(at, zone)).toJSDate(),
    addWorkingDays(at, days, zone) {
      let d = nextWorkingLocal(local(at, zone));
      for (let i = 0; i < days; i++) d = nextWorkingLocal(d.plus({ days: 1 }));
      return d.toJSDate();
    },
    workingDaysBetween(from, to, zone) {
      const end = dayNumber(to, zone);
      let count = 0;
      for (let day = dayNumber(from, zone) + 1; day <= end; day++) if (isWorkingDayNumber(day)) count++;
      return count;
    },
    workingDaysCutoff(to, days, zone) {
      // The (days+1)-th working day counting back from `to`'s date: anything before it has more than `days`.
      let day = dayNumber(to, zone);
      let left = days + 1;
      while (!(isWorkingDayNumber(day) && --left === 0)) day--;
      const iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
      return DateTime.fromISO(iso, { zone }).toJSDate();
    },
  };
}
