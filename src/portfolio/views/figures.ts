// Key figures: each as numbers in a table (what screen readers read), with a
// chart beside it where one is rendered.
import type { DigestData } from "../../domain/digests.ts";
import { html, type Html } from "../html.ts";
import { departmentName } from "./needs.ts";
import { layout, type PageContext } from "./layout.ts";

export type Figures = DigestData["figures"];

function countTable(ctx: PageContext, caption: string, header: string, rows: { label: string; count: number }[]): Html {
  const { t } = ctx;
  return html`<table><caption>${caption}</caption>
<thead><tr><th scope="col">${header}</th><th scope="col" class="num">${t("portfolio.figures.count")}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><th scope="row">${r.label}</th><td class="num">${r.count}</td></tr>`)}</tbody></table>`;
}

export function figuresPage(ctx: PageContext, figures: Figures, charts: Partial<Record<"byDepartment" | "byArea", Html>> = {}): Html {
  const { t, locale } = ctx;
  const number = new Intl.NumberFormat(locale === "sv" ? "sv-SE" : "en-GB", { maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(locale === "sv" ? "sv-SE" : "en-GB", { style: "percent", maximumFractionDigits: 0 });
  return layout(
    ctx,
    t("portfolio.figures.heading"),
    html`<h1>${t("portfolio.figures.heading")}</h1>
<dl class="facts">
<dt>${t("portfolio.figures.triage")}</dt><dd>${figures.medianWorkingDaysToTriage === null ? t("portfolio.figures.none") : number.format(figures.medianWorkingDaysToTriage)}</dd>
<dt>${t("portfolio.figures.pings")}</dt><dd>${figures.pingAnswerRate === null ? t("portfolio.figures.none") : percent.format(figures.pingAnswerRate)}</dd>
</dl>
<h2>${t("portfolio.figures.byDepartment")}</h2>
${charts.byDepartment ? html`<figure class="chart" aria-hidden="true">${charts.byDepartment}</figure>` : ""}
${countTable(
  ctx,
  t("portfolio.figures.byDepartment"),
  t("portfolio.filter.department"),
  figures.byDepartment.map((d) => ({ label: departmentName(ctx, d), count: d.count })),
)}
<h2>${t("portfolio.figures.byArea")}</h2>
${charts.byArea ? html`<figure class="chart" aria-hidden="true">${charts.byArea}</figure>` : ""}
${countTable(
  ctx,
  t("portfolio.figures.byArea"),
  t("portfolio.filter.area"),
  figures.bySustainability.map((a) => ({ label: t(`sustainability.${a.area}`), count: a.count })),
)}`,
  );
}
