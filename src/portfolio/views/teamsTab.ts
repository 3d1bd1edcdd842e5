// The Teams personal tab's first page: signs in with Teams SSO (teamsTab.js),
// then goes on to the portfolio. Without JavaScript it links to the web sign-in.
import type { Locale } from "../../domain/types.ts";
import { translator } from "../../i18n/index.ts";
import { html, type Html } from "../html.ts";

export function teamsTabPage(locale: Locale): Html {
  const t = translator(locale);
  return html`<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t("portfolio.title")} · Samordna</title>
<link rel="stylesheet" href="/portfolio/static/portfolio.css"></head>
<body><main id="main">
<h1>${t("portfolio.title")}</h1>
<p id="status" role="status" data-failed="${t("portfolio.teams.failed")}">${t("portfolio.teams.signingIn")}</p>
<noscript><p><a href="/auth/login?returnTo=%2Fportfolio">${t("portfolio.login.submit")}</a></p></noscript>
<p><a href="/auth/login?returnTo=%2Fportfolio" target="_blank" rel="noopener">${t("portfolio.teams.openInBrowser")}</a></p>
</main>
<script src="/teams/teams-js.js"></script>
<script src="/teams/tab.js"></script>
</body></html>`;
}
