// The need form: report a new need or edit one still submitted.
import type { FieldError } from "../domain/errors.ts";
import { NEED_LIMITS, type NeedFormInput } from "../domain/needDraft.ts";
import { SUSTAINABILITY_AREAS, URGENCIES, type Department } from "../domain/types.ts";
import type { CardContext } from "./context.ts";
import { card, choiceInput, clean, execute, heading, paragraph, textInput, type AdaptiveCard } from "./elements.ts";

export interface NeedFormOptions {
  departments: Department[];
  values?: Partial<NeedFormInput>;
  errors?: Record<string, FieldError>;
  /** Editing an existing need: its id and reference. */
  editing?: { needId: number; reference: string };
  /** Where the need came from (a Slack message link), carried through submit. */
  sourceUrl?: string;
}

export const NEED_FORM_VERBS = { create: "need.submit", edit: "need.save" } as const;

export function needForm(ctx: CardContext, options: NeedFormOptions): AdaptiveCard {
  const { t, locale } = ctx;
  const v = options.values ?? {};
  const err = (field: string) => {
    const e = options.errors?.[field];
    return e ? t(e.key, e.params) : undefined;
  };
  const body = [
    heading(options.editing ? t("need.form.editTitle", { reference: options.editing.reference }) : t("need.form.title")),
    paragraph(t("need.form.intro"), { subtle: true }),
    ...(options.errors && Object.keys(options.errors).length ? [paragraph(t("validation.summary"), { color: "Attention" })] : []),
    textInput({
      id: "title",
      label: t("need.field.title"),
      placeholder: t("need.field.title.placeholder"),
      value: v.title,
      maxLength: NEED_LIMITS.title.max,
      isRequired: true,
      errorMessage: t("validation.required"),
      error: err("title"),
    }),
    textInput({
      id: "problem",
      label: t("need.field.problem"),
      placeholder: t("need.field.problem.placeholder"),
      value: v.problem,
      multiline: true,
      maxLength: NEED_LIMITS.problem.max,
      isRequired: true,
      errorMessage: t("validation.required"),
      error: err("problem"),
    }),
    textInput({
      id: "affected",
      label: t("need.field.affected"),
      placeholder: t("need.field.affected.placeholder"),
      value: v.affected,
      multiline: true,
      maxLength: NEED_LIMITS.affected.max,
      error: err("affected"),
    }),
    textInput({
      id: "benefit",
      label: t("need.field.benefit"),
      placeholder: t("need.field.benefit.placeholder"),
      value: v.benefit,
      multiline: true,
      maxLength: NEED_LIMITS.benefit.max,
      error: err("benefit"),
    }),
    choiceInput({
      id: "sustainability",
      label: t("need.field.sustainability"),
      isMultiSelect: true,
      style: "expanded",
      value: v.sustainability,
      choices: SUSTAINABILITY_AREAS.map((a) => ({ title: t(`sustainability.${a}`), value: a })),
      error: err("sustainability"),
    }),
    choiceInput({
      id: "urgency",
      label: t("need.field.urgency"),
      style: "expanded",
      value: v.urgency || undefined,
      isRequired: true,
      errorMessage: t("validation.required"),
      error: err("urgency"),
      choices: URGENCIES.map((u) => ({ title: t(`urgency.${u}`), value: u })),
    }),
    choiceInput({
      id: "department",
      label: t("need.field.department"),
      style: "compact",
      value: v.department,
      choices: options.departments.map((d) => ({ title: locale === "en" && d.nameEn ? d.nameEn : d.name, value: String(d.id) })),
      error: err("department"),
    }),
    choiceInput({
      id: "showName",
      label: t("need.field.showName"),
      isMultiSelect: true,
      style: "expanded",
      value: v.showName || undefined,
      choices: [{ title: t("need.field.showName.choice"), value: "show" }],
    }),
  ];
  const action = options.editing
    ? execute(t("need.save"), NEED_FORM_VERBS.edit, { needId: options.editing.needId }, { style: "positive" })
    : execute(t("need.submit"), NEED_FORM_VERBS.create, options.sourceUrl ? { sourceUrl: options.sourceUrl } : {}, {
        style: "positive",
      });
  return clean(card(body, [action]));
}
