// What each key-figure chart shows, as plain data: the same numbers feed the
// SVG (ECharts) and the table beside it, so the two cannot disagree.
import { DateTime } from "luxon";
import type { KeyFigures } from "../domain/keyFigures.ts";
import { NEED_STATUSES, type Locale } from "../domain/types.ts";
import { translator } from "../i18n/index.ts";

export const CHART_NAMES = ["needs-per-month", "triage-days", "pings-on-time", "open-by-department", "open-by-area"] as const;
export type ChartName = (typeof CHART_NAMES)[number];

export interface ChartSpec {
  name: ChartName;
  title: string;
  /** What the categories are (the table's first column header). */
  categoryLabel: string;
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
  kind: "bar" | "line";
  stacked?: boolean;
  horizontal?: boolean;
  percent?: boolean;
}

function monthLabel(locale: Locale, key: string): string {
  return DateTime.fromFormat(key, "yyyy-MM").setLocale(locale === "sv" ? "sv-SE" : "en-GB").toFormat("LLL yyyy");
}

export function chartSpecs(figures: KeyFigures, locale: Locale): ChartSpec[] {
  const t = translator(locale);
  const { series, now } = figures;
  const month = t("portfolio.chart.month");
  return [
    {
      name: "needs-per-month",
      title: t("portfolio.chart.needsPerMonth"),
      categoryLabel: month,
      categories: series.months.map((m) => monthLabel(locale, m)),
      // Statuses with no need in the whole year only add noise to the legend.
      series: NEED_STATUSES.filter((s) => series.needsByStatus[s].some((v) => v > 0)).map((s) => ({ name: t(`need.status.${s}`), values: series.needsByStatus[s] })),
      kind: "bar",
      stacked: true,
    },
    {
      name: "triage-days",
      title: t("portfolio.chart.triageDays"),
      categoryLabel: month,
      categories: series.trendMonths.map((m) => monthLabel(locale, m)),
      series: [{ name: t("portfolio.chart.medianDays"), values: series.triageDays }],
      kind: "line",
    },
    {
      name: "pings-on-time",
      title: t("portfolio.chart.pingsOnTime"),
      categoryLabel: month,
      categories: series.trendMonths.map((m) => monthLabel(locale, m)),
      series: [{ name: t("portfolio.chart.share"), values: series.pingsOnTime }],
      kind: "line",
      percent: true,
    },
    {
      name: "open-by-department",
      title: t("portfolio.figures.byDepartment"),
      categoryLabel: t("portfolio.filter.department"),
      categories: now.byDepartment.map((d) => (locale === "en" && d.nameEn ? d.nameEn : d.name)),
      series: [{ name: t("portfolio.figures.count"), values: now.byDepartment.map((d) => d.count) }],
      kind: "bar",
      horizontal: true,
    },
    {
      name: "open-by-area",
      title: t("portfolio.figures.byArea"),
      categoryLabel: t("portfolio.filter.area"),
      categories: now.bySustainability.map((a) => t(`sustainability.${a.area}`)),
      series: [{ name: t("portfolio.figures.count"), values: now.bySustainability.map((a) => a.count) }],
      kind: "bar",
      horizontal: true,
    },
  ];
}
