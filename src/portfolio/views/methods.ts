// Work package 3's catalogue of methods and tools, in the reader's language
// (the other language where a text exists only in that one): what each is,
// what it is good for, effort, links, tags and the owning work package.
import { localised, methodName, type Method } from "../../domain/methods.ts";
import { html, type Html } from "../html.ts";
import { layout, type PageContext } from "./layout.ts";

/** The anchor of a method on the catalogue page, for links from a need's page. */
export const methodAnchor = (method: Pick<Method, "code">): string => `method-${method.code}`;

function methodEntry(ctx: PageContext, method: Method, workPackages: Map<number, string>): Html {
  const { t, locale } = ctx;
  const description = localised(locale, method.description, method.descriptionEn);
  const goodFor = localised(locale, method.goodFor, method.goodForEn);
  const wp = method.workPackageId !== null ? workPackages.get(method.workPackageId) ?? method.workPackageCode : null;
  return html`<article class="method" id="${methodAnchor(method)}">
<h2>${methodName(ctx, method)}</h2>
${description ? html`<p>${description}</p>` : ""}
${goodFor ? html`<h3>${t("methods.goodFor")}</h3><p>${goodFor}</p>` : ""}
<dl class="facts">
<dt>${t("methods.effort")}</dt><dd>${t(`methods.effort.${method.effort}`)}</dd>
${wp ? html`<dt>${t("methods.workPackage")}</dt><dd>${wp}</dd>` : ""}
${method.contactName ? html`<dt>${t("methods.contact")}</dt><dd>${method.contactName}</dd>` : ""}
${method.tags.length ? html`<dt>${t("methods.tags")}</dt><dd>${method.tags.join(", ")}</dd>` : ""}
${method.sustainability.length ? html`<dt>${t("methods.sustainability")}</dt><dd>${method.sustainability.map((a) => t(`sustainability.${a}`)).join(", ")}</dd>` : ""}
</dl>
${method.links.length ? html`<ul class="links" aria-label="${t("portfolio.methods.links")}">${method.links.map((url) => html`<li><a href="${url}" rel="noopener noreferrer">${url}</a></li>`)}</ul>` : ""}
</article>`;
}

export function methodsPage(ctx: PageContext, data: { methods: Method[]; workPackages: { id: number; code: string; name: string }[] }): Html {
  const { t } = ctx;
  const workPackages = new Map(data.workPackages.map((w) => [w.id, `${w.code} ${w.name}`]));
  const methods = [...data.methods].sort((a, b) => methodName(ctx, a).localeCompare(methodName(ctx, b), ctx.locale));
  return layout(
    ctx,
    t("portfolio.methods.heading"),
    html`<h1>${t("portfolio.methods.heading")}</h1>
<p>${t("portfolio.methods.intro")}</p>
${methods.length ? methods.map((m) => methodEntry(ctx, m, workPackages)) : html`<p>${t("portfolio.methods.none")}</p>`}`,
  );
}
