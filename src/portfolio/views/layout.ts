// The page shell: landmarks (header, nav, main), a skip link, the signed-in
// person and sign-out. Every page of the portfolio is a function of data
// returning Html, like a card builder returns a card.
import type { Locale } from "../../domain/types.ts";
import { translator, type Translate } from "../../i18n/index.ts";
import { html, type Html } from "../html.ts";

export interface PageContext {
  locale: Locale;
  /** Display zone (config TIMEZONE) for dates on the page. */
  zone: string;
  t: Translate;
  /** The signed-in person's name; undefined on the sign-in pages. */
  personName?: string;
  /** The session's CSRF token, put into every form that POSTs. */
  csrf?: string;
  /** The path of the page, to mark the current section in the navigation. */
  path: string;
}

export function pageContext(locale: Locale, zone: string, path: string, session?: { personName: string; csrf: string }): PageContext {
  return { locale, zone, t: translator(locale), path, personName: session?.personName, csrf: session?.csrf };
}

/** The hidden field every POST form carries. */
export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf ?? ""}">`;
}

const SECTIONS = [
  { href: "/portfolio", key: "portfolio.nav.needs", match: (p: string) => p === "/portfolio" || p.startsWith("/portfolio/needs") },
  { href: "/portfolio/work", key: "portfolio.nav.work", match: (p: string) => p.startsWith("/portfolio/work") },
  { href: "/portfolio/figures", key: "portfolio.nav.figures", match: (p: string) => p.startsWith("/portfolio/figures") },
  { href: "/portfolio/methods", key: "portfolio.nav.methods", match: (p: string) => p.startsWith("/portfolio/methods") },
];

export function layout(ctx: PageContext, title: string, main: Html): Html {
  const { t } = ctx;
  const nav = ctx.personName
    ? html`<nav aria-label="${t("portfolio.nav")}"><ul>${SECTIONS.map(
        (s) => html`<li><a href="${s.href}"${s.match(ctx.path) ? html` aria-current="page"` : ""}>${t(s.key)}</a></li>`,
      )}</ul></nav>`
    : "";
  const account = ctx.personName
    ? html`<form class="account" method="post" action="/auth/logout">${csrfField(ctx)}<span>${t("portfolio.signedInAs", { name: ctx.personName })}</span> <button type="submit">${t("portfolio.signOut")}</button></form>`
    : "";
  return html`<!doctype html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Samordna</title>
<link rel="stylesheet" href="/portfolio/static/portfolio.css">
</head>
<body>
<a class="skip" href="#main">${t("portfolio.skip")}</a>
<header><p class="brand"><a href="/portfolio">Samordna · ${t("portfolio.title")}</a></p>${account}${nav}</header>
<main id="main" tabindex="-1">
${main}
</main>
</body>
</html>`;
}
