// The status form a lead answers (ping, reminder, or asked for with `status`),
// and the card confirming a saved answer.
import { STATUS_LIMITS, STATUS_TEXT_FIELDS, type StatusFormOptions } from "../domain/statusPings.ts";
import { HEALTHS, type StatusUpdate } from "../domain/types.ts";
import { formatDate, formatDateTime } from "../i18n/format.ts";
import type { CardContext } from "./context.ts";
import { card, choiceInput, clean, execute, facts, heading, paragraph, plainText, textInput, type AdaptiveCard } from "./elements.ts";

export const STATUS_VERBS = { submit: "status.submit", noChange: "status.noChange", pingAgain: "status.pingAgain" } as const;


export function statusForm(ctx: CardContext, options: StatusFormOptions): AdaptiveCard {
  const { t, locale } = ctx;
  const { subject, request, occasion, previous } = options;
  const due = formatDateTime(ctx, request.dueAt);
  const v = options.values ?? (previous ? { ...previous } : {});
  const err = (field: string) => {
    const e = options.errors?.[field];
    return e ? t(e.key, e.params) : undefined;
  };
  const intro =
    occasion.kind === "ping"
      ? t("status.form.ping", { code: subject.code, due })
      : occasion.kind === "reminder"
        ? t("status.form.reminder", { code: subject.code, due, number: occasion.number })
        : t("status.form.intro", { date: formatDate(ctx, request.askedAt), due });
  const fieldLabels = { progress: "status.field.progress", blockers: "status.field.blockers", nextSteps: "status.field.nextSteps", helpNeeded: "status.field.helpNeeded" };
  const body = [
    heading(t("status.form.title", { code: plainText(subject.code), name: plainText(subject.name) })),
    paragraph(intro),
    ...(options.asDeputy ? [paragraph(t("status.form.asDeputy"), { subtle: true })] : []),
    ...(options.late ? [paragraph(t("status.form.late", { due }), { color: "Warning" })] : []),
    ...(previous && !options.values ? [paragraph(t("status.form.previous", { date: formatDate(ctx, previous.updatedAt) }), { subtle: true })] : []),
    ...(options.errors && Object.keys(options.errors).length ? [paragraph(t("validation.summary"), { color: "Attention" })] : []),
    choiceInput({
      id: "health",
      label: t("status.field.health"),
      style: "expanded",
      value: v.health || undefined,
      isRequired: true,
      errorMessage: t("validation.required"),
      error: err("health"),
      choices: HEALTHS.map((h) => ({ title: t(`status.health.${h}`), value: h })),
    }),
    ...STATUS_TEXT_FIELDS.map((field) =>
      textInput({ id: field, label: t(fieldLabels[field]), value: v[field], multiline: true, maxLength: STATUS_LIMITS.text, error: err(field) }),
    ),
  ];
  const actions = [
    execute(t("status.send"), STATUS_VERBS.submit, { requestId: request.id }, { style: "positive" }),
    ...(previous ? [execute(t("status.noChange"), STATUS_VERBS.noChange, { requestId: request.id }, { associatedInputs: "none" })] : []),
  ];
  return clean(card(body, actions));
}

export function statusSavedCard(
  ctx: CardContext,
  subject: { code: string; name: string },
  update: StatusUpdate,
  options: { firstAnswer: boolean; askedAt: Date },
): AdaptiveCard {
  const { t, locale } = ctx;
  const rows: [string, string][] = [
    [t("status.card.period"), formatDate(ctx, options.askedAt)],
    [t("status.card.health"), t(`status.health.${update.health}`)],
    [t("status.field.progress"), update.progress],
    [t("status.field.blockers"), update.blockers],
    [t("status.field.nextSteps"), update.nextSteps],
    [t("status.field.helpNeeded"), update.helpNeeded],
  ];
  return clean(
    card([
      heading(t(options.firstAnswer ? "status.saved.title" : "status.saved.updatedTitle", { code: subject.code })),
      facts(rows),
      ...(update.late ? [paragraph(t("status.saved.late"), { subtle: true })] : []),
    ]),
  );
}
