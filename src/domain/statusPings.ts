// Status pings as rules: cadences and periods, who is asked, when an answer
// is due, when to remind and when to escalate. Pure functions over dates; the
// jobs and the status service apply them to stored state.
import { CronExpressionParser } from "cron-parser";
import { DateTime } from "luxon";
import type { Calendar } from "./calendar.ts";
import { DomainError, ValidationError, type FieldError } from "./errors.ts";
import { SETTINGS } from "./settings.ts";
import { HEALTHS, type Health, type StatusRequest, type StatusUpdate } from "./types.ts";

/**
 * A cadence is a five-field cron expression in the subject's time zone,
 * optionally followed by `every <n> weeks [from <YYYY-MM-DD>]`: cron cannot say
 * "every second week", so only the weeks n, 2n, … after the anchor's week
 * count (ISO weeks, Monday first). The seeded default is every second Monday 09:00.
 */
export const DEFAULT_CADENCE = "0 9 * * 1 every 2 weeks from 2026-01-05";
const DEFAULT_ANCHOR = "2026-01-05";

export interface Cadence {
  cron: string;
  everyWeeks: number;
  /** Monday of the anchor week, as an ISO date. */
  anchorWeek: string;
}

export class CadenceError extends Error {}

const WEEKS = /^(.+?)\s+every\s+(\d{1,2})\s+weeks?(?:\s+from\s+(\d{4}-\d{2}-\d{2}))?$/i;

export function parseCadence(text: string): Cadence {
  const trimmed = text.trim();
  const m = WEEKS.exec(trimmed);
  const cron = (m ? m[1]! : trimmed).trim();
  const everyWeeks = m ? Number(m[2]) : 1;
  const anchor = DateTime.fromISO(m?.[3] ?? DEFAULT_ANCHOR, { zone: "UTC" });
  if (cron.split(/\s+/).length !== 5) throw new CadenceError(`"${text}": expected five cron fields (minute hour day month weekday)`);
  if (everyWeeks < 1) throw new CadenceError(`"${text}": the week interval must be at least 1`);
  if (!anchor.isValid) throw new CadenceError(`"${text}": the anchor date is not a valid date`);
  let fields;
  try {
    fields = CronExpressionParser.parse(cron, { tz: "UTC" }).fields;
  } catch (err) {
    throw new CadenceError(`"${text}": ${(err as Error).message}`);
  }
  // Each fire starts a period and pings a person: at most once a day (one minute and one hour).
  if (fields.minute.values.length !== 1 || fields.hour.values.length !== 1) {
    throw new CadenceError(`"${text}": at most one ping a day (give one minute and one hour, e.g. "0 9 * * 1")`);
  }
  return { cron, everyWeeks, anchorWeek: anchor.startOf("week").toISODate()! };
}

/** A work package or initiative that is asked for its status. */
export interface PingSubject {
  /** "wp:<id>" or "init:<id>" (StatusRequest.subjectKey). */
  key: string;
  kind: "wp" | "init";
  id: number;
  code: string;
  name: string;
  leadId: number | null;
  deputyId: number | null;
  cadence: string | null;
  timezone: string;
}

export interface Period {
  /** The nominal occurrence in local time, e.g. "2026-03-30T09:00": unique per subject. */
  key: string;
  /** When the ping goes out: the occurrence moved to the next working day at the same local time. */
  startsAt: Date;
}

function inWeekCycle(cadence: Cadence, local: DateTime): boolean {
  if (cadence.everyWeeks === 1) return true;
  const anchor = DateTime.fromISO(cadence.anchorWeek, { zone: local.zone });
  const weeks = Math.round(local.startOf("week").diff(anchor, "weeks").weeks);
  return ((weeks % cadence.everyWeeks) + cadence.everyWeeks) % cadence.everyWeeks === 0;
}

/**
 * The period under way at `now`: the latest occurrence whose (working-day
 * adjusted) start is not after `now`. Occurrences that fall on closed days
 * collapse into the next working day's period.
 */
export function currentPeriod(cadence: Cadence, now: Date, zone: string, calendar: Calendar): Period | null {
  // cron-parser's prev() is strictly before currentDate, whole seconds: one second later includes `now`.
  const it = CronExpressionParser.parse(cadence.cron, { currentDate: new Date(now.getTime() + 1000), tz: zone });
  for (let i = 0; i < 1000; i++) {
    let nominal: Date;
    try {
      nominal = it.prev().toDate();
    } catch {
      return null;
    }
    if (nominal > now) continue;
    const local = DateTime.fromJSDate(nominal, { zone });
    if (!inWeekCycle(cadence, local)) continue;
    const startsAt = calendar.nextWorkingTime(nominal, zone);
    if (startsAt <= now) return { key: local.toFormat("yyyy-MM-dd'T'HH:mm"), startsAt };
  }
  return null;
}

/** The next `count` ping times after `now` (for `jobs list` and documentation). */
export function nextPingTimes(cadence: Cadence, now: Date, zone: string, calendar: Calendar, count: number): Date[] {
  const it = CronExpressionParser.parse(cadence.cron, { currentDate: now, tz: zone });
  const out: Date[] = [];
  for (let i = 0; i < 2000 && out.length < count; i++) {
    const nominal = it.next().toDate();
    if (!inWeekCycle(cadence, DateTime.fromJSDate(nominal, { zone }))) continue;
    const at = calendar.nextWorkingTime(nominal, zone);
    if (!out.some((d) => d.getTime() === at.getTime())) out.push(at);
  }
  return out;
}

export interface PingRules {
  /** Working days from the ping to the due date. */
  dueWorkingDays: number;
  /** Reminders after the due date, one per working day, before escalation. */
  maxReminders: number;
}
export const DEFAULT_PING_RULES: PingRules = { dueWorkingDays: SETTINGS["statusPings.dueWorkingDays"].default, maxReminders: SETTINGS["statusPings.maxReminders"].default };

export function dueDate(startsAt: Date, rules: PingRules, zone: string, calendar: Calendar): Date {
  return calendar.addWorkingDays(startsAt, rules.dueWorkingDays, zone);
}

export interface Availability {
  id: number;
  awayUntil: Date | null;
}

export function isAway(person: Availability, now: Date): boolean {
  return person.awayUntil !== null && person.awayUntil > now;
}

export type Recipient = { kind: "lead" | "deputy"; personId: number } | { kind: "wait"; reason: "away" | "no_lead" };

/** The lead, or the deputy while the lead is away; with nobody available the ping waits. */
export function pingRecipient(lead: Availability | null, deputy: Availability | null, now: Date): Recipient {
  if (lead && !isAway(lead, now)) return { kind: "lead", personId: lead.id };
  if (deputy && !isAway(deputy, now)) return { kind: "deputy", personId: deputy.id };
  return { kind: "wait", reason: lead ? "away" : "no_lead" };
}

export type RequestProgress = Pick<StatusRequest, "dueAt" | "remindersSent" | "lastRemindedAt" | "escalatedAt" | "answeredAt" | "closedAt">;

export type FollowUp = { kind: "reminder"; number: number } | { kind: "escalation" };

/** The working day after `previous`, at the due date's local time of day. */
function nextWorkingDayAfter(previous: Date, dueAt: Date, zone: string, calendar: Calendar): Date {
  const due = DateTime.fromJSDate(dueAt, { zone });
  const base = DateTime.fromJSDate(previous, { zone }).set({ hour: due.hour, minute: due.minute, second: 0, millisecond: 0 });
  return calendar.addWorkingDays(base.plus({ days: 1 }).toJSDate(), 0, zone);
}

/**
 * What an unanswered request needs at `now`: the first reminder on the due
 * date, one more per working day up to `maxReminders`, then one escalation on
 * the working day after the last reminder. Only on working days, not before
 * the due date's time of day, and at most one step per call: a bot that was
 * down catches up one step per working day, not all at once.
 */
export function followUpDue(request: RequestProgress, now: Date, rules: PingRules, zone: string, calendar: Calendar): FollowUp | null {
  if (request.answeredAt || request.closedAt || request.escalatedAt || now < request.dueAt) return null;
  const next = request.lastRemindedAt ? nextWorkingDayAfter(request.lastRemindedAt, request.dueAt, zone, calendar) : request.dueAt;
  if (now < next || !calendar.isWorkingDay(now, zone)) return null;
  // Catching up after downtime: still not before the usual time of day.
  const due = DateTime.fromJSDate(request.dueAt, { zone });
  const todayAtDueTime = DateTime.fromJSDate(now, { zone }).set({ hour: due.hour, minute: due.minute, second: 0, millisecond: 0 });
  if (now < todayAtDueTime.toJSDate()) return null;
  if (request.remindersSent < rules.maxReminders) return { kind: "reminder", number: request.remindersSent + 1 };
  return { kind: "escalation" };
}

/** Working days past the due date. */
export function workingDaysOverdue(dueAt: Date, now: Date, zone: string, calendar: Calendar): number {
  return now <= dueAt ? 0 : calendar.workingDaysBetween(dueAt, now, zone);
}

export const STATUS_LIMITS = { text: 2000 } as const;
export const STATUS_TEXT_FIELDS = ["progress", "blockers", "nextSteps", "helpNeeded"] as const;
export type StatusTextField = (typeof STATUS_TEXT_FIELDS)[number];

export interface StatusAnswer {
  health: Health;
  progress: string;
  blockers: string;
  nextSteps: string;
  helpNeeded: string;
}

/** Form values as the person typed them, for re-rendering the form. */
export function statusFormInput(values: Record<string, unknown>): Record<"health" | StatusTextField, string> {
  const text = (key: string) => (typeof values[key] === "string" ? (values[key] as string).trim() : "");
  return {
    health: text("health"),
    progress: text("progress"),
    blockers: text("blockers"),
    nextSteps: text("nextSteps"),
    helpNeeded: text("helpNeeded"),
  };
}

export function parseStatusAnswer(values: Record<string, unknown>): StatusAnswer {
  const input = statusFormInput(values);
  const errors: Record<string, FieldError> = {};
  if (!input.health) errors.health = { key: "validation.required" };
  else if (!HEALTHS.includes(input.health as Health)) errors.health = { key: "validation.invalidChoice" };
  for (const field of STATUS_TEXT_FIELDS) {
    if (input[field].length > STATUS_LIMITS.text) errors[field] = { key: "validation.tooLong", params: { max: STATUS_LIMITS.text } };
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return { ...input, health: input.health as Health };
}

/** "2026-04-10" (or 10/4 style is not accepted: one unambiguous format) → the start of that day in `zone`. */
export function parseAwayUntil(text: string, now: Date, zone: string): Date {
  const date = DateTime.fromISO(text.trim(), { zone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text.trim()) || !date.isValid) {
    throw new DomainError("invalid_input", `bad date ${text}`, { detailKey: "status.away.badDate" });
  }
  const start = date.startOf("day");
  if (start.toJSDate() <= now) throw new DomainError("invalid_input", `date ${text} is not in the future`, { detailKey: "status.away.past" });
  if (start.diff(DateTime.fromJSDate(now, { zone }), "days").days > 366) {
    throw new DomainError("invalid_input", `date ${text} is more than a year away`, { detailKey: "status.away.tooFar" });
  }
  return start.toJSDate();
}

/** What a status form shows one person (rendered by src/cards/statusForm.ts). */
export interface StatusFormOptions {
  subject: { code: string; name: string };
  request: { id: number; askedAt: Date; dueAt: Date };
  /** Why the card is sent: the first ping, reminder n, or shown on request. */
  occasion: { kind: "ping" } | { kind: "reminder"; number: number } | { kind: "form" };
  asDeputy?: boolean;
  /** Past the due date at the time the card is built. */
  late?: boolean;
  /** The last answer for the subject: prefills the form and enables "no change". */
  previous?: StatusUpdate | null;
  /** What the person typed, when the form comes back invalid. */
  values?: Partial<Record<"health" | StatusTextField, string>>;
  errors?: Record<string, FieldError>;
}

/** What the escalation card tells coordinators (rendered by src/cards/escalationCard.ts). */
export interface EscalationInfo {
  requestId: number;
  subject: { code: string; name: string };
  leadName: string | null;
  /** Who was asked, when not the lead (a deputy). */
  askedName: string | null;
  askedAt: Date;
  dueAt: Date;
  workingDaysOverdue: number;
  remindersSent: number;
}
