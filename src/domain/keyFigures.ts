// Key figures over time, month by month in the configured zone: the numbers
// behind the portfolio's charts (and their tables) and the digest's picture.
import { DateTime } from "luxon";
import type { Store } from "../store/index.ts";
import type { Calendar } from "./calendar.ts";
import { median, type DigestData } from "./digests.ts";
import { NEED_STATUSES, type NeedStatus } from "./types.ts";

export const NEEDS_MONTHS = 12;
export const TREND_MONTHS = 6;
const TRIAGE_SAMPLE = 2_000;

export interface MonthSeries {
  /** "2026-11" */
  months: string[];
  needsByStatus: Record<NeedStatus, number[]>;
  /** The last TREND_MONTHS months, for the two series below. */
  trendMonths: string[];
  /** Median working days from report to triage of the needs triaged in each month (null: none). */
  triageDays: (number | null)[];
  /** Share of status requests due in each month answered on time (null: none due). */
  pingsOnTime: (number | null)[];
  pingsDue: number[];
}

export interface KeyFigures {
  series: MonthSeries;
  /** The current figures, as the digest computes them. */
  now: DigestData["figures"];
}

/** The last `count` months up to and including the one `now` is in, as [start, end) in `zone`. */
export function lastMonths(now: Date, zone: string, count: number): { key: string; from: Date; to: Date }[] {
  const current = DateTime.fromJSDate(now, { zone }).startOf("month");
  return Array.from({ length: count }, (_, i) => {
    const start = current.minus({ months: count - 1 - i });
    return { key: start.toFormat("yyyy-MM"), from: start.toJSDate(), to: start.plus({ months: 1 }).toJSDate() };
  });
}

export async function monthSeries(store: Store, calendar: Calendar, zone: string, now: Date): Promise<MonthSeries> {
  const months = lastMonths(now, zone, NEEDS_MONTHS);
  const trend = months.slice(-TREND_MONTHS);
  const [counts, triaged, pings] = await Promise.all([
    Promise.all(months.map((m) => store.portfolio.statusCountsBetween(m.from, m.to))),
    Promise.all(trend.map((m) => store.portfolio.triagedBetween(m.from, m.to, TRIAGE_SAMPLE))),
    Promise.all(trend.map((m) => store.portfolio.pingsOnTime(m.from, m.to))),
  ]);
  const needsByStatus = Object.fromEntries(
    NEED_STATUSES.map((status) => [status, counts.map((rows) => rows.find((r) => r.status === status)?.count ?? 0)]),
  ) as Record<NeedStatus, number[]>;
  return {
    months: months.map((m) => m.key),
    needsByStatus,
    trendMonths: trend.map((m) => m.key),
    triageDays: triaged.map((rows) => median(rows.map((r) => calendar.workingDaysBetween(r.createdAt, r.triagedAt, zone)))),
    pingsOnTime: pings.map((p) => (p.asked ? p.onTime / p.asked : null)),
    pingsDue: pings.map((p) => p.asked),
  };
}
