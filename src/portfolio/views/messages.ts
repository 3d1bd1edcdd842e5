// Pages around the portfolio: the development sign-in (person picker), signed
// out, and errors.
import type { Person } from "../../domain/types.ts";
import { html, type Html } from "../html.ts";
import { csrfField, layout, type PageContext } from "./layout.ts";

export function devSignInPage(ctx: PageContext, people: Person[], returnTo: string): Html {
  const { t } = ctx;
  return layout(
    ctx,
    t("portfolio.login.heading"),
    html`<h1>${t("portfolio.login.heading")}</h1>
<p class="notice">${t("portfolio.login.dev")}</p>
<form method="post" action="/auth/dev-login">${csrfField(ctx)}
<input type="hidden" name="returnTo" value="${returnTo}">
<p><label for="person">${t("portfolio.login.person")}</label><br>
<select id="person" name="personId" required>${people.map((p) => html`<option value="${p.id}">${p.displayName} (${p.roles.join(", ")})</option>`)}</select></p>
<p><button type="submit">${t("portfolio.login.submit")}</button></p>
</form>`,
  );
}

export function signedOutPage(ctx: PageContext): Html {
  const { t } = ctx;
  return layout(ctx, t("portfolio.signedOut"), html`<h1>${t("portfolio.signedOut")}</h1><p><a href="/auth/login">${t("portfolio.signInAgain")}</a></p>`);
}

export function errorPage(ctx: PageContext, message: string): Html {
  const { t } = ctx;
  return layout(ctx, t("portfolio.error.title"), html`<h1>${t("portfolio.error.title")}</h1><p class="error" role="alert">${message}</p><p><a href="/portfolio">${t("portfolio.need.back")}</a></p>`);
}
