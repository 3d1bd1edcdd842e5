// A need's page: what it is about, where it stands, the methods attached to
// it, its history, similar needs, shared lessons, and the +1 button.
import { cardContext } from "../../cards/context.ts";
import { eventText } from "../../cards/needCard.ts";
import type { PortfolioNeed } from "../../domain/portfolio.ts";
import { OPEN_NEED_STATUSES } from "../../domain/types.ts";
import { html, type Html } from "../html.ts";
import { csrfField, layout, type PageContext } from "./layout.ts";
import { methodName } from "../../domain/methods.ts";
import { methodAnchor } from "./methods.ts";
import { lessonsSection } from "./lessons.ts";

/** What the page says after a POST (the redirect carries it as ?done=…). */
export type NeedNotice = "supported" | "nameShown" | "nameHidden" | undefined;

function section(title: string, body: string | null | undefined): Html | "" {
  return body ? html`<h2>${title}</h2><p>${body}</p>` : "";
}

export function needPage(ctx: PageContext, view: PortfolioNeed, notice: NeedNotice): Html {
  const { t, locale } = ctx;
  const { need } = view;
  const action = `/portfolio/needs/${need.reference}`;
  const open = OPEN_NEED_STATUSES.includes(need.status);

  const support = view.isReporter
    ? html`<p>${t("portfolio.need.own")}</p>`
    : view.supportedByMe
      ? html`<p>${t("portfolio.need.supported")}</p>`
      : open
        ? html`<form method="post" action="${action}/support">${csrfField(ctx)}<button type="submit">${t("portfolio.need.support")}</button></form>`
        : html`<p>${t("portfolio.need.closed")}</p>`;

  const nameChoice = view.isReporter
    ? html`<form method="post" action="${action}/name">${csrfField(ctx)}
<p>${t(need.showReporterName ? "portfolio.need.nameShown" : "portfolio.need.nameHidden")}</p>
<input type="hidden" name="show" value="${need.showReporterName ? "no" : "yes"}">
<button type="submit" class="secondary">${t(need.showReporterName ? "portfolio.need.hideName" : "portfolio.need.showName")}</button></form>`
    : "";

  const linked = need.workPackageCode
    ? `${need.workPackageCode} ${view.workPackageName ?? ""}`.trim()
    : need.initiativeCode
      ? `${need.initiativeCode} ${view.initiativeTitle ?? ""}`.trim()
      : null;

  const facts = html`<dl class="facts" aria-label="${t("portfolio.need.facts")}">
<dt>${t("portfolio.need.status")}</dt><dd><span class="status">${t(`need.status.${need.status}`)}</span></dd>
<dt>${t("portfolio.need.department")}</dt><dd>${need.departmentName ?? "–"}</dd>
<dt>${t("portfolio.need.areas")}</dt><dd>${need.sustainability.map((a) => t(`sustainability.${a}`)).join(", ") || "–"}</dd>
<dt>${t("portfolio.need.urgency")}</dt><dd>${t(`urgency.${need.urgency}`)}</dd>
<dt>${t("portfolio.need.reporter")}</dt><dd>${view.reporterName ?? t("portfolio.need.reporter.hidden")}</dd>
${linked ? html`<dt>${t("portfolio.need.linked")}</dt><dd>${linked}</dd>` : ""}
<dt>${t("portfolio.need.supporters")}</dt><dd class="supporters" id="supporters">${need.supporterCount}</dd>
</dl>`;

  const card = cardContext(locale, ctx.zone);
  const history = html`<h2>${t("portfolio.need.history")}</h2><ol class="history">${view.history.map((e) => html`<li>${eventText(card, e)}</li>`)}</ol>`;

  const similar = html`<h2>${t("portfolio.need.similar")}</h2>${
    view.similar === null
      ? html`<p id="similar-pending">${t("portfolio.need.similar.pending")}</p>`
      : view.similar.length
      ? html`<ul>${view.similar.map((s) => html`<li><a href="/portfolio/needs/${s.reference}">${s.reference}: ${s.title}</a> (${s.departmentName ?? "–"}, ${t(`need.status.${s.status}`)})</li>`)}</ul>`
      : html`<p>${t("portfolio.need.similar.none")}</p>`
  }`;

  const methods = view.methods.length
    ? html`<h2>${t("portfolio.need.methods")}</h2><ul>${view.methods.map((m) => html`<li><a href="/portfolio/methods#${methodAnchor(m)}">${methodName(ctx, m)}</a></li>`)}</ul>`
    : "";

  const noticeText =
    notice === "supported" ? t("portfolio.need.supportedNow", { reference: need.reference }) : notice ? t(`portfolio.need.${notice}`) : "";

  return layout(
    ctx,
    `${need.reference}: ${need.title}`,
    html`<p><a href="/portfolio">${t("portfolio.need.back")}</a></p>
${noticeText ? html`<p class="notice" role="status">${noticeText}</p>` : ""}
<h1>${need.reference}: ${need.title}</h1>
${facts}
${support}
${nameChoice}
${section(t("portfolio.need.problem"), need.problem)}
${section(t("portfolio.need.affected"), need.affected)}
${section(t("portfolio.need.benefit"), need.benefit)}
${section(t("portfolio.need.outcome"), need.outcome)}
${methods}
${lessonsSection(ctx, view.lessons)}
${history}
${similar}`,
  );
}
