// The list of needs with its filter form (a GET form: works without JavaScript,
// and every filtered view has its own URL to share).
import { RECENTLY_DECIDED_DAYS, type PortfolioFilters } from "../../domain/portfolio.ts";
import { NEED_STATUSES, SUSTAINABILITY_AREAS, type Department, type WorkPackage } from "../../domain/types.ts";
import { formatDate } from "../../i18n/format.ts";
import type { PortfolioRow } from "../../store/portfolio.ts";
import { html, type Html } from "../html.ts";
import { layout, type PageContext } from "./layout.ts";

export interface NeedsPage {
  filters: PortfolioFilters;
  rows: PortfolioRow[];
  total: number;
  pages: number;
  /** A search had to wait for the similar-needs index (just after a start). */
  searchPending?: boolean;
  departments: Department[];
  workPackages: WorkPackage[];
}

export function departmentName(ctx: PageContext, d: Pick<Department, "name" | "nameEn">): string {
  return ctx.locale === "en" && d.nameEn ? d.nameEn : d.name;
}

function selectOption(value: string, label: string, selected: boolean): Html {
  return html`<option value="${value}"${selected ? html` selected` : ""}>${label}</option>`;
}

function select(ctx: PageContext, name: string, labelKey: string, options: { value: string; label: string }[], current: string | undefined): Html {
  return html`<div><label for="f-${name}">${ctx.t(labelKey)}</label>
<select id="f-${name}" name="${name}">${selectOption("", ctx.t("portfolio.filter.all"), !current)}${options.map((o) => selectOption(o.value, o.label, o.value === current))}</select></div>`;
}

/** The query string of the current filters, with `page` changed. */
export function filterQuery(filters: PortfolioFilters, page: number): string {
  const params = new URLSearchParams();
  if (filters.q) params.set("q", filters.q);
  if (filters.departmentId) params.set("department", String(filters.departmentId));
  if (filters.area) params.set("area", filters.area);
  if (filters.status) params.set("status", filters.status);
  if (filters.workPackageId) params.set("wp", String(filters.workPackageId));
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `?${query}` : "";
}

export function needsPage(ctx: PageContext, data: NeedsPage): Html {
  const { t, locale } = ctx;
  const f = data.filters;
  const filterForm = html`<form class="filters" method="get" action="/portfolio" role="search" aria-label="${t("portfolio.filters")}">
<div><label for="f-q">${t("portfolio.filter.q")}</label><input id="f-q" type="search" name="q" value="${f.q ?? ""}" maxlength="200"></div>
${select(ctx, "department", "portfolio.filter.department", data.departments.map((d) => ({ value: String(d.id), label: departmentName(ctx, d) })), f.departmentId ? String(f.departmentId) : undefined)}
${select(ctx, "area", "portfolio.filter.area", SUSTAINABILITY_AREAS.map((a) => ({ value: a, label: t(`sustainability.${a}`) })), f.area)}
${select(ctx, "status", "portfolio.filter.status", NEED_STATUSES.filter((s) => s !== "withdrawn").map((s) => ({ value: s, label: t(`need.status.${s}`) })), f.status)}
${select(ctx, "wp", "portfolio.filter.wp", data.workPackages.map((w) => ({ value: String(w.id), label: `${w.code} ${w.name}` })), f.workPackageId ? String(f.workPackageId) : undefined)}
<div class="actions"><button type="submit">${t("portfolio.filter.apply")}</button> <a href="/portfolio">${t("portfolio.filter.clear")}</a></div>
</form>`;

  const deptNames = new Map(data.departments.map((d) => [d.id, departmentName(ctx, d)]));
  const table = data.rows.length
    ? html`<table class="needs">
<caption class="visually-hidden">${t("portfolio.results", { count: data.total })}</caption>
<thead><tr><th scope="col">${t("portfolio.col.need")}</th><th scope="col">${t("portfolio.col.department")}</th><th scope="col">${t("portfolio.col.status")}</th><th scope="col" class="num">${t("portfolio.col.supporters")}</th><th scope="col">${t("portfolio.col.linked")}</th><th scope="col">${t("portfolio.col.reported")}</th></tr></thead>
<tbody>${data.rows.map(
        (r) => html`<tr>
<td><a href="/portfolio/needs/${r.reference}">${r.reference}: ${r.title}</a></td>
<td data-label="${t("portfolio.col.department")}">${(r.departmentId !== null ? deptNames.get(r.departmentId) : undefined) ?? r.departmentName ?? "–"}</td>
<td data-label="${t("portfolio.col.status")}"><span class="status">${t(`need.status.${r.status}`)}</span></td>
<td data-label="${t("portfolio.col.supporters")}" class="num">${r.supporterCount}</td>
<td data-label="${t("portfolio.col.linked")}">${r.workPackageCode ?? r.initiativeCode ?? "–"}</td>
<td data-label="${t("portfolio.col.reported")}">${formatDate(ctx, r.createdAt)}</td>
</tr>`,
      )}</tbody></table>`
    : html`<p class="notice">${t(data.searchPending ? "portfolio.results.searchPending" : "portfolio.results.none")}</p>`;

  const page = f.page;
  const pagination =
    data.pages > 1
      ? html`<nav class="pagination" aria-label="${t("portfolio.pagination")}">
${page > 1 ? html`<a href="/portfolio${filterQuery(f, page - 1)}" rel="prev">${t("portfolio.page.previous")}</a>` : ""}
<span>${t("portfolio.page", { page, pages: data.pages })}</span>
${page < data.pages ? html`<a href="/portfolio${filterQuery(f, page + 1)}" rel="next">${t("portfolio.page.next")}</a>` : ""}
</nav>`
      : "";

  return layout(
    ctx,
    t("portfolio.needs.heading"),
    html`<h1>${t("portfolio.needs.heading")}</h1>
<p>${t("portfolio.needs.intro", { days: RECENTLY_DECIDED_DAYS })}</p>
${filterForm}
<h2 id="results" aria-live="polite">${t("portfolio.results", { count: data.total })}</h2>
${table}
${pagination}`,
  );
}
