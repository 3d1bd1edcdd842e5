// The platform's own evaluation figures (work package 5): how fast needs are
// triaged, decided and done (median working days from the report), how often
// a need finds a supporter in another department, how often the reporter heard
// the outcome within the triage target, how many status pings were answered
// on time per work package, and how many lessons were logged. Per quarter (of
// the report, the ping, the answer) and in total. Pure over loaded rows.
import { DateTime } from "luxon";
import type { Store } from "../store/index.ts";
import type { Calendar } from "./calendar.ts";
import { median } from "./digests.ts";

export interface KpiNeed {
  id: number;
  createdAt: Date;
  /** The need's department, else its reporter's. */
  departmentId: number | null;
  supporterDepartmentIds: (number | null)[];
  /** Oldest first. */
  events: { kind: string; toStatus: string | null; createdAt: Date }[];
}

export interface KpiRequest {
  askedAt: Date;
  dueAt: Date;
  answeredAt: Date | null;
  /** Work package code (an initiative's own code when it has none). */
  workPackage: string;
}

export interface KpiInput {
  needs: KpiNeed[];
  requests: KpiRequest[];
  lessonsAnsweredAt: Date[];
}

export interface Share {
  count: number;
  of: number;
  /** count / of, or null when there is nothing to count. */
  share: number | null;
}

export interface KpiFigures {
  /** "2026-Q1", or "total". */
  period: string;
  needsReported: number;
  medianDaysToTriage: number | null;
  triaged: number;
  medianDaysToDecision: number | null;
  decided: number;
  medianDaysToDone: number | null;
  done: number;
  crossDepartmentSupport: Share;
  toldWithinTarget: Share;
  pingsOnTime: (Share & { workPackage: string })[];
  lessonsLogged: number;
}

export interface KpiReport {
  generatedAt: Date;
  targetDays: number;
  periods: KpiFigures[];
}

/** Statuses a coordinator's decision moves a need to (the reporter is told with it); "withdrawn" is the reporter's own. */
export const DECISION_STATUSES = new Set(["accepted", "in_progress", "done", "declined", "duplicate"]);

type KpiEvent = KpiNeed["events"][number];
/** The need was decided: moved to a decision status. */
export const isDecision = (e: KpiEvent) => e.toStatus !== null && DECISION_STATUSES.has(e.toStatus);
/** A coordinator's triage action: a decision, or a question to the reporter (src/domain/triage.ts). */
export const isTriage = (e: KpiEvent) => e.kind === "question" || isDecision(e);

export function quarterOf(at: Date, zone: string): string {
  const d = DateTime.fromJSDate(at, { zone });
  return `${d.year}-Q${d.quarter}`;
}

/** The start of the quarter `offset` quarters from the one holding `at` (0 = this one, -1 = the last). */
export function quarterStart(at: Date, zone: string, offset = 0): Date {
  return DateTime.fromJSDate(at, { zone }).startOf("quarter").plus({ quarters: offset }).toJSDate();
}

const share = (count: number, of: number): Share => ({ count, of, share: of ? count / of : null });

/** Working days from the report to the first event that matches, or null. */
export function daysTo(need: KpiNeed, match: (e: KpiEvent) => boolean, calendar: Calendar, zone: string): number | null {
  const event = need.events.find(match);
  return event ? calendar.workingDaysBetween(need.createdAt, event.createdAt, zone) : null;
}

export interface NeedTimings {
  toTriage: number | null;
  toDecision: number | null;
  toDone: number | null;
}

export function needTimings(need: KpiNeed, calendar: Calendar, zone: string): NeedTimings {
  return {
    toTriage: daysTo(need, isTriage, calendar, zone),
    toDecision: daysTo(need, isDecision, calendar, zone),
    toDone: daysTo(need, (e) => e.toStatus === "done", calendar, zone),
  };
}

function figures(period: string, input: KpiInput, options: { calendar: Calendar; zone: string; targetDays: number; now: Date }): KpiFigures {
  const { calendar, zone, targetDays, now } = options;
  const timings = input.needs.map((n) => ({ need: n, ...needTimings(n, calendar, zone) }));
  const present = (values: (number | null)[]) => values.filter((v): v is number => v !== null);
  const toTriage = present(timings.map((t) => t.toTriage));
  const toDecision = present(timings.map((t) => t.toDecision));
  const toDone = present(timings.map((t) => t.toDone));

  const crossDept = input.needs.filter((n) => n.supporterDepartmentIds.some((d) => d !== null && d !== n.departmentId)).length;
  // A need still within its target and undecided is not counted yet; one past it undecided counts as not told.
  let told = 0;
  let judged = 0;
  for (const t of timings) {
    if (t.toDecision !== null) {
      judged++;
      if (t.toDecision <= targetDays) told++;
    } else if (calendar.workingDaysBetween(t.need.createdAt, now, zone) > targetDays) judged++;
  }

  const byWp = new Map<string, { count: number; of: number }>();
  for (const r of input.requests) {
    // Not yet due and unanswered: too early to say.
    if (!r.answeredAt && r.dueAt > now) continue;
    const entry = byWp.get(r.workPackage) ?? { count: 0, of: 0 };
    entry.of++;
    if (r.answeredAt && r.answeredAt <= r.dueAt) entry.count++;
    byWp.set(r.workPackage, entry);
  }

  return {
    period,
    needsReported: input.needs.length,
    medianDaysToTriage: median(toTriage),
    triaged: toTriage.length,
    medianDaysToDecision: median(toDecision),
    decided: toDecision.length,
    medianDaysToDone: median(toDone),
    done: toDone.length,
    crossDepartmentSupport: share(crossDept, input.needs.length),
    toldWithinTarget: share(told, judged),
    pingsOnTime: [...byWp]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([workPackage, c]) => ({ workPackage, ...share(c.count, c.of) })),
    lessonsLogged: input.lessonsAnsweredAt.length,
  };
}

/** Figures per quarter (oldest first) and in total. */
export function computeKpis(input: KpiInput, options: { calendar: Calendar; zone: string; targetDays: number; now: Date }): KpiFigures[] {
  const q = (d: Date) => quarterOf(d, options.zone);
  const quarters = [...new Set([...input.needs.map((n) => q(n.createdAt)), ...input.requests.map((r) => q(r.askedAt)), ...input.lessonsAnsweredAt.map(q)])].sort();
  const inQuarter = (quarter: string): KpiInput => ({
    needs: input.needs.filter((n) => q(n.createdAt) === quarter),
    requests: input.requests.filter((r) => q(r.askedAt) === quarter),
    lessonsAnsweredAt: input.lessonsAnsweredAt.filter((d) => q(d) === quarter),
  });
  return [...quarters.map((quarter) => figures(quarter, inQuarter(quarter), options)), figures("total", input, options)];
}

/** One flat row per figure, for CSV and the terminal table. */
export interface KpiRow {
  period: string;
  metric: string;
  workPackage: string;
  value: number | null;
  count: number;
  of: number | null;
}

export const KPI_ROW_COLUMNS: (keyof KpiRow)[] = ["period", "metric", "workPackage", "value", "count", "of"];

export function kpiRows(periods: KpiFigures[]): KpiRow[] {
  const rows: KpiRow[] = [];
  const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
  for (const f of periods) {
    const add = (metric: string, value: number | null, count: number, of: number | null = null, workPackage = "") =>
      rows.push({ period: f.period, metric, workPackage, value: round(value), count, of });
    add("needs_reported", f.needsReported, f.needsReported);
    add("median_working_days_to_triage", f.medianDaysToTriage, f.triaged);
    add("median_working_days_to_decision", f.medianDaysToDecision, f.decided);
    add("median_working_days_to_done", f.medianDaysToDone, f.done);
    add("share_supported_from_other_department", f.crossDepartmentSupport.share, f.crossDepartmentSupport.count, f.crossDepartmentSupport.of);
    add("share_told_outcome_within_target", f.toldWithinTarget.share, f.toldWithinTarget.count, f.toldWithinTarget.of);
    for (const p of f.pingsOnTime) add("share_status_pings_answered_on_time", p.share, p.count, p.of, p.workPackage);
    add("lessons_logged", f.lessonsLogged, f.lessonsLogged);
  }
  return rows;
}

/**
 * The digest's comparison is taken over at most this many of the newest needs
 * of each quarter (like its triage-time median): a digest must build in well
 * under a second at 100,000 needs. `report kpis` counts every need.
 */
export const DIGEST_KPI_SAMPLE = 500;

export function createKpiService(store: Store, calendar: Calendar, zone: string) {
  const targetDays = () => store.settings.get("triage.targetWorkingDays");

  return {
    /** Every quarter with data, and the total. */
    async report(now: Date): Promise<KpiReport> {
      const [needs, requests, lessonsAnsweredAt, target] = await Promise.all([
        store.evaluation.needs(),
        store.evaluation.statusRequests(),
        store.lessons.answeredTimes(),
        targetDays(),
      ]);
      return { generatedAt: now, targetDays: target, periods: computeKpis({ needs, requests, lessonsAnsweredAt }, { calendar, zone, targetDays: target, now }) };
    },

    /**
     * This quarter's need and lesson figures against the last quarter's (for
     * the digest, which shows status-ping answers over the last weeks already:
     * pingsOnTime stays empty here).
     */
    async quarterComparison(now: Date): Promise<{ current: KpiFigures; previous: KpiFigures }> {
      const [previousStart, currentStart] = [quarterStart(now, zone, -1), quarterStart(now, zone)];
      const [previousNeeds, currentNeeds, lessonsAnsweredAt, target] = await Promise.all([
        store.evaluation.needs({ from: previousStart, to: currentStart, latest: DIGEST_KPI_SAMPLE }),
        store.evaluation.needs({ from: currentStart, latest: DIGEST_KPI_SAMPLE }),
        store.lessons.answeredTimes(previousStart),
        targetDays(),
      ]);
      const options = { calendar, zone, targetDays: target, now };
      const periods = computeKpis({ needs: [...previousNeeds, ...currentNeeds], requests: [], lessonsAnsweredAt }, options);
      // A quarter without any data: the figures of nothing.
      const blank = computeKpis({ needs: [], requests: [], lessonsAnsweredAt: [] }, options)[0]!;
      const pick = (period: string) => periods.find((p) => p.period === period) ?? { ...blank, period };
      return { current: pick(quarterOf(now, zone)), previous: pick(quarterOf(previousStart, zone)) };
    },
  };
}
export type KpiService = ReturnType<typeof createKpiService>;
