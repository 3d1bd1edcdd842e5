// The learning-log form an owner gets (question and reminder), and the card
// confirming a saved answer.
import { LESSON_TEXT_LIMIT, type LessonFormOptions } from "../domain/lessons.ts";
import { LESSON_FIELDS, type LessonAnswer } from "../domain/lessonTypes.ts";
import type { CardContext } from "./context.ts";
import { card, clean, execute, facts, heading, paragraph, plainText, textInput, type AdaptiveCard, type Element } from "./elements.ts";

export const LESSON_VERBS = { submit: "lesson.submit" } as const;

export function lessonForm(ctx: CardContext, options: LessonFormOptions): AdaptiveCard {
  const { t } = ctx;
  const v = options.values ?? {};
  const err = (field: string) => {
    const e = options.errors?.[field];
    return e ? t(e.key, e.params) : undefined;
  };
  const body: Element[] = [
    heading(t("lessons.form.title", { code: plainText(options.subject.code), title: plainText(options.subject.title) })),
    paragraph(t(`lessons.form.intro.${options.occasion}`, { code: plainText(options.subject.code) })),
    ...(options.reminder ? [paragraph(t("lessons.form.reminder"), { color: "Warning" })] : []),
    ...(options.errors && Object.keys(options.errors).length ? [paragraph(t("validation.summary"), { color: "Attention" })] : []),
    ...LESSON_FIELDS.map((field) =>
      textInput({ id: field, label: t(`lessons.field.${field}`), value: v[field], multiline: true, maxLength: LESSON_TEXT_LIMIT, error: err(field) }),
    ),
    { type: "Input.Toggle", id: "shareable", title: t("lessons.field.shareable"), label: t("lessons.field.shareableLabel"), value: v.shareable === "true" ? "true" : "false", valueOn: "true", valueOff: "false" },
  ];
  return clean(card(body, [execute(t("lessons.send"), LESSON_VERBS.submit, { lessonId: options.lessonId }, { style: "positive" })]));
}

export function lessonSavedCard(ctx: CardContext, subject: { code: string; title: string }, answer: LessonAnswer): AdaptiveCard {
  const { t } = ctx;
  return clean(
    card([
      heading(t("lessons.saved.title", { code: plainText(subject.code) })),
      facts(LESSON_FIELDS.map((f) => [t(`lessons.field.${f}`), plainText(answer[f])] as [string, string])),
      paragraph(t(answer.shareable ? "lessons.saved.shared" : "lessons.saved.private"), { subtle: true }),
    ]),
  );
}
