import { describe, expect, it } from "vitest";
import { createCalendar } from "../../src/domain/calendar.ts";

const calendar = createCalendar("SE");
const zone = "Europe/Stockholm";
const cal = {
  between: (from: Date, to: Date) => calendar.workingDaysBetween(from, to, zone),
  cutoff: (to: Date, days: number) => calendar.workingDaysCutoff(to, days, zone),
  isWorkingDay: (at: Date) => calendar.isWorkingDay(at, zone),
};
const at = (iso: string) => new Date(iso);

describe("working days (Sweden)", () => {
  it("skips weekends", () => {
    // Friday → Monday is one working day; Monday → next Monday five.
    expect(cal.between(at("2026-11-20T10:00:00+01:00"), at("2026-11-23T09:00:00+01:00"))).toBe(1);
    expect(cal.between(at("2026-11-16T10:00:00+01:00"), at("2026-11-23T10:00:00+01:00"))).toBe(5);
    expect(cal.between(at("2026-11-23T08:00:00+01:00"), at("2026-11-23T17:00:00+01:00"))).toBe(0);
  });

  it("skips Swedish public holidays and the eves offices close on", () => {
    // 23 Dec 2026 (Wed) → 28 Dec (Mon): 24 (julafton), 25, 26 and the weekend do not count.
    expect(cal.between(at("2026-12-23T10:00:00+01:00"), at("2026-12-28T10:00:00+01:00"))).toBe(1);
    expect(cal.isWorkingDay(at("2026-06-19T10:00:00+02:00"))).toBe(false); // midsommarafton
    expect(cal.isWorkingDay(at("2026-05-14T10:00:00+02:00"))).toBe(false); // Kristi himmelsfärd
    expect(cal.isWorkingDay(at("2026-05-13T10:00:00+02:00"))).toBe(true);
  });

  it("counts local dates, not UTC ones", () => {
    // 23:30 UTC on Sunday is already Monday in Stockholm.
    expect(cal.isWorkingDay(at("2026-11-22T23:30:00Z"))).toBe(true);
  });

  it("cutoff agrees with between: created before it means more than N working days old", () => {
    const to = at("2026-12-30T14:00:00+01:00");
    for (const days of [0, 1, 5, 10]) {
      const cutoff = cal.cutoff(to, days);
      for (let h = 0; h < 40 * 24; h += 5) {
        const created = new Date(to.getTime() - h * 3_600_000);
        expect(cal.between(created, to) > days, `${days} days, created ${created.toISOString()}`).toBe(created < cutoff);
      }
    }
  });
});
