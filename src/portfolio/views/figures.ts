// Key figures: two headline numbers, then each chart (SVG, hidden from screen
// readers) followed by the same numbers as a table (what screen readers read).
import type { RenderedChart } from "../../charts/index.ts";
import type { KeyFigures } from "../../domain/keyFigures.ts";
import { html, raw, type Html } from "../html.ts";
import { layout, type PageContext } from "./layout.ts";

function chartTable(ctx: PageContext, chart: RenderedChart): Html {
  const { spec } = chart;
  const number = new Intl.NumberFormat(ctx.locale === "sv" ? "sv-SE" : "en-GB", spec.percent ? { style: "percent", maximumFractionDigits: 0 } : { maximumFractionDigits: 1 });
  return html`<table><caption class="visually-hidden">${spec.title}</caption>
<thead><tr><th scope="col">${spec.categoryLabel}</th>${spec.series.map((s) => html`<th scope="col" class="num">${s.name}</th>`)}</tr></thead>
<tbody>${spec.categories.map(
    (c, i) => html`<tr><th scope="row">${c}</th>${spec.series.map((s) => html`<td class="num">${s.values[i] === null ? "–" : number.format(s.values[i]!)}</td>`)}</tr>`,
  )}</tbody></table>`;
}

export function figuresPage(ctx: PageContext, figures: KeyFigures, charts: RenderedChart[]): Html {
  const { t, locale } = ctx;
  const now = figures.now;
  const number = new Intl.NumberFormat(locale === "sv" ? "sv-SE" : "en-GB", { maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(locale === "sv" ? "sv-SE" : "en-GB", { style: "percent", maximumFractionDigits: 0 });
  return layout(
    ctx,
    t("portfolio.figures.heading"),
    html`<h1>${t("portfolio.figures.heading")}</h1>
<dl class="facts">
<dt>${t("portfolio.figures.triage")}</dt><dd>${now.medianWorkingDaysToTriage === null ? t("portfolio.figures.none") : number.format(now.medianWorkingDaysToTriage)}</dd>
<dt>${t("portfolio.figures.pings")}</dt><dd>${now.pingAnswerRate === null ? t("portfolio.figures.none") : percent.format(now.pingAnswerRate)}</dd>
</dl>
<p>${t("portfolio.chart.intro")}</p>
${charts.map(
  (c) => html`<section aria-labelledby="chart-${c.spec.name}">
<h2 id="chart-${c.spec.name}">${c.spec.title}</h2>
${
  c.spec.series.every((s) => s.values.every((v) => v === null || v === 0))
    ? html`<p>${t("portfolio.figures.none")}</p>`
    : html`<figure class="chart" aria-hidden="true">${raw(c.svg)}</figure>
${chartTable(ctx, c)}`
}
</section>`,
)}`,
  );
}
