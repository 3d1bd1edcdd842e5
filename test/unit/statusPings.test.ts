// Status ping rules with fixed dates: cadences, periods across DST and
// holidays, working days, who is asked, reminders and escalation.
import { describe, expect, it } from "vitest";
import { createCalendar } from "../../src/domain/calendar.ts";
import { ValidationError } from "../../src/domain/errors.ts";
import {
  currentPeriod,
  DEFAULT_CADENCE,
  DEFAULT_PING_RULES,
  dueDate,
  followUpDue,
  nextPingTimes,
  parseAwayUntil,
  parseCadence,
  parseStatusAnswer,
  pingRecipient,
  workingDaysOverdue,
  type RequestProgress,
} from "../../src/domain/statusPings.ts";

const zone = "Europe/Stockholm";
const calendar = createCalendar("SE");
const at = (iso: string) => new Date(iso);

describe("calendar", () => {
  it("knows weekends and Swedish holidays, including Christmas Eve and New Year's Eve", () => {
    const working = (iso: string) => calendar.isWorkingDay(at(iso), zone);
    expect(working("2026-12-23T10:00:00+01:00")).toBe(true);
    for (const day of ["24", "25", "26", "27", "31"]) expect(working(`2026-12-${day}T10:00:00+01:00`)).toBe(false);
    expect(working("2027-01-01T10:00:00+01:00")).toBe(false);
    expect(working("2027-01-06T10:00:00+01:00")).toBe(false); // Epiphany
    expect(working("2027-01-07T10:00:00+01:00")).toBe(true);
    expect(working("2026-06-19T10:00:00+02:00")).toBe(false); // Midsummer Eve
  });

  it("adds working days at the same local time, across Christmas and a DST change", () => {
    expect(calendar.addWorkingDays(at("2026-12-22T09:00:00+01:00"), 2, zone)).toEqual(at("2026-12-28T09:00:00+01:00"));
    expect(calendar.addWorkingDays(at("2027-01-05T09:00:00+01:00"), 2, zone)).toEqual(at("2027-01-08T09:00:00+01:00"));
    // Friday before the spring change: Tuesday 09:00 is CEST.
    expect(calendar.addWorkingDays(at("2026-03-27T09:00:00+01:00"), 2, zone)).toEqual(at("2026-03-31T09:00:00+02:00"));
    expect(calendar.workingDaysBetween(at("2026-04-01T09:00:00+02:00"), at("2026-04-07T10:00:00+02:00"), zone)).toBe(2);
  });
});

describe("cadence", () => {
  it("parses plain cron and the every-n-weeks extension, and rejects bad input", () => {
    expect(parseCadence("0 9 * * 1")).toEqual({ cron: "0 9 * * 1", everyWeeks: 1, anchorWeek: "2026-01-05" });
    expect(parseCadence(DEFAULT_CADENCE)).toEqual({ cron: "0 9 * * 1", everyWeeks: 2, anchorWeek: "2026-01-05" });
    expect(parseCadence("30 8 * * 2 every 3 weeks from 2026-02-04").anchorWeek).toBe("2026-02-02");
    expect(() => parseCadence("0 9 * *")).toThrow(/five cron fields/);
    expect(() => parseCadence("0 25 * * 1")).toThrow();
    expect(() => parseCadence("0 9 * * 1 every 0 weeks")).toThrow(/at least 1/);
    expect(() => parseCadence("0 9 * * 1 every 2 weeks from 2026-13-01")).toThrow(/anchor/);
  });

  it("every second Monday: the period starts on the anchored weeks only", () => {
    const cadence = parseCadence(DEFAULT_CADENCE);
    expect(currentPeriod(cadence, at("2026-03-30T07:00:00Z"), zone, calendar)).toEqual({ key: "2026-03-30T09:00", startsAt: at("2026-03-30T07:00:00Z") });
    // The Monday in between belongs to the period of two weeks earlier.
    expect(currentPeriod(cadence, at("2026-03-23T12:00:00Z"), zone, calendar)?.key).toBe("2026-03-16T09:00");
    expect(nextPingTimes(cadence, at("2026-03-17T00:00:00Z"), zone, calendar, 2)).toEqual([at("2026-03-30T07:00:00Z"), at("2026-04-13T07:00:00Z")]);
  });

  it("keeps 09:00 local in the DST weeks (end of March, end of October)", () => {
    const weekly = parseCadence("0 9 * * 1");
    expect(currentPeriod(weekly, at("2026-03-30T06:59:59Z"), zone, calendar)).toEqual({ key: "2026-03-23T09:00", startsAt: at("2026-03-23T08:00:00Z") });
    expect(currentPeriod(weekly, at("2026-03-30T07:00:00Z"), zone, calendar)).toEqual({ key: "2026-03-30T09:00", startsAt: at("2026-03-30T07:00:00Z") });
    expect(currentPeriod(weekly, at("2026-10-26T07:59:59Z"), zone, calendar)?.key).toBe("2026-10-19T09:00");
    expect(currentPeriod(weekly, at("2026-10-26T08:00:00Z"), zone, calendar)).toEqual({ key: "2026-10-26T09:00", startsAt: at("2026-10-26T08:00:00Z") });
  });

  it("moves a ping from Christmas to Epiphany to the next working day", () => {
    const thursdays = parseCadence("0 9 * * 4");
    // Christmas Eve (Thursday) waits until Monday the 28th.
    expect(currentPeriod(thursdays, at("2026-12-24T10:00:00Z"), zone, calendar)?.key).toBe("2026-12-17T09:00");
    expect(currentPeriod(thursdays, at("2026-12-28T08:00:00Z"), zone, calendar)).toEqual({ key: "2026-12-24T09:00", startsAt: at("2026-12-28T08:00:00Z") });
    // New Year's Eve → (New Year's Day, weekend) → Monday 4 January.
    expect(currentPeriod(thursdays, at("2027-01-01T12:00:00Z"), zone, calendar)?.key).toBe("2026-12-24T09:00");
    expect(currentPeriod(thursdays, at("2027-01-04T08:00:00Z"), zone, calendar)).toEqual({ key: "2026-12-31T09:00", startsAt: at("2027-01-04T08:00:00Z") });
    const wednesdays = parseCadence("0 9 * * 3");
    expect(nextPingTimes(wednesdays, at("2027-01-05T00:00:00Z"), zone, calendar, 1)).toEqual([at("2027-01-07T08:00:00Z")]);
    expect(dueDate(at("2027-01-04T08:00:00Z"), DEFAULT_PING_RULES, zone, calendar)).toEqual(at("2027-01-07T08:00:00Z"));
  });
});

describe("who is asked", () => {
  const now = at("2026-04-01T08:00:00Z");
  const away = { awayUntil: at("2026-04-10T00:00:00+02:00") };
  it("asks the lead, the deputy while the lead is away, or waits", () => {
    expect(pingRecipient({ id: 1, awayUntil: null }, { id: 2, awayUntil: null }, now)).toEqual({ kind: "lead", personId: 1 });
    expect(pingRecipient({ id: 1, ...away }, { id: 2, awayUntil: null }, now)).toEqual({ kind: "deputy", personId: 2 });
    expect(pingRecipient({ id: 1, ...away }, { id: 2, ...away }, now)).toEqual({ kind: "wait", reason: "away" });
    expect(pingRecipient({ id: 1, ...away }, null, now)).toEqual({ kind: "wait", reason: "away" });
    expect(pingRecipient(null, null, now)).toEqual({ kind: "wait", reason: "no_lead" });
    // Back on the date given.
    expect(pingRecipient({ id: 1, ...away }, null, at("2026-04-10T00:00:00+02:00"))).toEqual({ kind: "lead", personId: 1 });
  });

  it("reads `away until` dates strictly", () => {
    expect(parseAwayUntil("2026-04-10", now, zone)).toEqual(at("2026-04-10T00:00:00+02:00"));
    expect(() => parseAwayUntil("10/4", now, zone)).toThrow(/bad date/);
    expect(() => parseAwayUntil("2026-02-30", now, zone)).toThrow(/bad date/);
    expect(() => parseAwayUntil("2026-03-01", now, zone)).toThrow(/not in the future/);
    expect(() => parseAwayUntil("2028-01-01", now, zone)).toThrow(/more than a year/);
  });
});

describe("reminders and escalation", () => {
  // Asked Monday 30 March 09:00, due Wednesday 1 April 09:00 (Easter follows).
  const base: RequestProgress = {
    dueAt: at("2026-04-01T07:00:00Z"),
    remindersSent: 0,
    lastRemindedAt: null,
    escalatedAt: null,
    answeredAt: null,
    closedAt: null,
  };
  const step = (r: RequestProgress, iso: string, rules = DEFAULT_PING_RULES) => followUpDue(r, at(iso), rules, zone, calendar);

  it("reminds on the due date and the next working day, then escalates after Easter", () => {
    expect(step(base, "2026-04-01T06:59:00Z")).toBeNull();
    expect(step(base, "2026-04-01T07:00:00Z")).toEqual({ kind: "reminder", number: 1 });
    const once = { ...base, remindersSent: 1, lastRemindedAt: at("2026-04-01T07:00:00Z") };
    expect(step(once, "2026-04-01T15:00:00Z")).toBeNull();
    expect(step(once, "2026-04-02T06:59:00Z")).toBeNull();
    expect(step(once, "2026-04-02T07:00:00Z")).toEqual({ kind: "reminder", number: 2 });
    const twice = { ...once, remindersSent: 2, lastRemindedAt: at("2026-04-02T07:03:00Z") };
    // Good Friday, the weekend and Easter Monday are not working days.
    for (const day of ["2026-04-03T09:00:00Z", "2026-04-04T09:00:00Z", "2026-04-06T09:00:00Z"]) expect(step(twice, day)).toBeNull();
    expect(step(twice, "2026-04-07T06:59:00Z")).toBeNull();
    expect(step(twice, "2026-04-07T07:00:00Z")).toEqual({ kind: "escalation" });
    expect(workingDaysOverdue(base.dueAt, at("2026-04-07T07:00:00Z"), zone, calendar)).toBe(2);
  });

  it("sends nothing once answered, closed or escalated; escalates at the due date without reminders", () => {
    const now = "2026-04-07T08:00:00Z";
    expect(step({ ...base, answeredAt: at("2026-04-02T00:00:00Z") }, now)).toBeNull();
    expect(step({ ...base, closedAt: at("2026-04-02T00:00:00Z") }, now)).toBeNull();
    expect(step({ ...base, remindersSent: 2, lastRemindedAt: at("2026-04-02T07:00:00Z"), escalatedAt: at("2026-04-07T07:00:00Z") }, now)).toBeNull();
    expect(step(base, "2026-04-01T07:00:00Z", { dueWorkingDays: 2, maxReminders: 0 })).toEqual({ kind: "escalation" });
  });

  it("catches up one step per working day after downtime, never before the usual hour", () => {
    expect(step(base, "2026-04-07T05:00:00Z")).toBeNull();
    expect(step(base, "2026-04-07T07:30:00Z")).toEqual({ kind: "reminder", number: 1 });
    expect(step({ ...base, remindersSent: 1, lastRemindedAt: at("2026-04-07T07:30:00Z") }, "2026-04-07T12:00:00Z")).toBeNull();
  });
});

describe("status answers", () => {
  it("requires a valid health and limits the text", () => {
    const fields = (values: Record<string, unknown>) => {
      try {
        parseStatusAnswer(values);
        return null;
      } catch (err) {
        return (err as ValidationError).fields;
      }
    };
    expect(fields({ progress: "x" })).toEqual({ health: { key: "validation.required" } });
    expect(fields({ health: "fine" })).toEqual({ health: { key: "validation.invalidChoice" } });
    expect(fields({ health: "at_risk", blockers: "b".repeat(2001) })).toEqual({ blockers: { key: "validation.tooLong", params: { max: 2000 } } });
    expect(parseStatusAnswer({ health: "blocked", progress: "  done  ", extra: 1 })).toEqual({ health: "blocked", progress: "done", blockers: "", nextSteps: "", helpNeeded: "" });
  });
});
