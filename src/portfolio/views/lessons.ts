// Shareable lessons from the learning log, as a section of a page: what
// worked, what did not, what others should know, about which need or
// initiative and when. Never who wrote them (the data carries no owner).
import type { SharedLesson } from "../../domain/lessonTypes.ts";
import { LESSON_FIELDS } from "../../domain/lessonTypes.ts";
import { formatDate } from "../../i18n/format.ts";
import { html, type Html } from "../html.ts";
import type { PageContext } from "./layout.ts";

function subject(lesson: SharedLesson): Html | string {
  const s = lesson.subject;
  if (!s) return "";
  const text = `${s.code}: ${s.title}`;
  return lesson.needId !== null ? html`<a href="/portfolio/needs/${s.code}">${text}</a>` : text;
}

/** The section; `empty` says what to show when there is none (nothing at all when omitted). */
export function lessonsSection(ctx: PageContext, lessons: SharedLesson[], empty?: "none"): Html | "" {
  const { t, locale } = ctx;
  if (lessons.length === 0 && !empty) return "";
  return html`<section class="lessons" aria-labelledby="lessons-heading">
<h2 id="lessons-heading">${t("portfolio.lessons.heading")}</h2>
<p>${t("portfolio.lessons.intro")}</p>
${
  lessons.length === 0
    ? html`<p>${t("portfolio.lessons.none")}</p>`
    : lessons.map(
        (l) => html`<article class="lesson">
<h3>${subject(l)} <span class="when">(${t(`portfolio.lessons.occasion.${l.occasion}`)}, ${formatDate(ctx, l.answeredAt)})</span></h3>
<dl class="facts">${LESSON_FIELDS.filter((f) => l[f].trim()).map((f) => html`<dt>${t(`lessons.field.${f}`)}</dt><dd>${l[f]}</dd>`)}</dl>
</article>`,
      )
}
</section>`;
}
