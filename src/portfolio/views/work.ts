// Work packages and initiatives: lead, latest health, trend, last update;
// the initiatives' shared lessons.
import type { SharedLesson } from "../../domain/lessonTypes.ts";
import type { WorkLine } from "../../domain/portfolio.ts";
import { formatDate } from "../../i18n/format.ts";
import { html, type Html } from "../html.ts";
import { layout, type PageContext } from "./layout.ts";
import { lessonsSection } from "./lessons.ts";

function table(ctx: PageContext, lines: WorkLine[], withStage: boolean): Html {
  const { t, locale } = ctx;
  if (lines.length === 0) return html`<p>${t("portfolio.work.none")}</p>`;
  return html`<table>
<thead><tr><th scope="col">${t("portfolio.work.code")}</th><th scope="col">${t("portfolio.work.name")}</th>${withStage ? html`<th scope="col">${t("portfolio.work.stage")}</th>` : ""}<th scope="col">${t("portfolio.work.lead")}</th><th scope="col">${t("portfolio.work.health")}</th><th scope="col">${t("portfolio.work.trend")}</th><th scope="col">${t("portfolio.work.lastUpdate")}</th></tr></thead>
<tbody>${lines.map(
    (l) => html`<tr><th scope="row">${l.code}</th><td>${l.name}</td>${withStage ? html`<td>${l.stage ? t(`stage.${l.stage}`) : "–"}</td>` : ""}<td>${l.lead ?? "–"}</td>
<td>${l.now ? t(`status.health.${l.now}`) : t("portfolio.health.none")}</td><td>${t(`portfolio.trend.${l.trend}`)}</td><td>${l.lastUpdateAt ? formatDate(ctx, l.lastUpdateAt) : "–"}</td></tr>`,
  )}</tbody></table>`;
}

export function workPage(ctx: PageContext, data: { workPackages: WorkLine[]; initiatives: WorkLine[]; lessons: SharedLesson[] }): Html {
  const { t } = ctx;
  return layout(
    ctx,
    t("portfolio.work.heading"),
    html`<h1>${t("portfolio.work.heading")}</h1>
<h2>${t("portfolio.work.workPackages")}</h2>
${table(ctx, data.workPackages, false)}
<h2>${t("portfolio.work.initiatives")}</h2>
${table(ctx, data.initiatives, true)}
${lessonsSection(ctx, data.lessons, "none")}`,
  );
}
