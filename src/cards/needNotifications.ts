// What became of a need, told to its reporter and supporters in their own
// language; the question a coordinator asks the reporter (with the answer
// field); and the answer, told back to the coordinator who asked.
import type { Need } from "../domain/types.ts";
import { truncate } from "../i18n/format.ts";
import type { CardContext } from "./context.ts";
import { card, clean, container, execute, facts, heading, paragraph, plainText, textInput, type AdaptiveCard } from "./elements.ts";
import { methodName } from "../domain/methods.ts";
import { needTitleLine } from "./needCard.ts";
import type { NeedChange } from "../domain/triage.ts";

export function needUpdateNotificationCard(ctx: CardContext, need: Need, change: NeedChange): AdaptiveCard {
  const { t } = ctx;
  const params = {
    reference: need.reference,
    assignment: plainText(change.assignment ?? need.workPackageCode ?? need.initiativeCode ?? ""),
    original: change.original?.reference ?? "",
  };
  const noteLabel: Partial<Record<NeedChange["action"], string>> = {
    done: "notify.label.outcome",
    decline: "notify.label.reason",
  };
  const body = [
    heading(t(`notify.${change.action}.title`, params)),
    paragraph(needTitleLine(need, 150), { subtle: true }),
    paragraph(t(`notify.${change.action}.body`, params)),
    ...(change.note && change.action !== "duplicate"
      ? [container([facts([[t(noteLabel[change.action] ?? "notify.label.note"), plainText(truncate(change.note, 1500))]])], { style: "emphasis" })]
      : []),
    ...(change.methods?.length
      ? [facts([[t("notify.label.methods"), change.methods.map((m) => plainText(truncate(methodName(ctx, m), 100))).join(", ")]])]
      : []),
  ];
  const actions = [
    execute(t("need.open"), "need.view", { needId: need.id }),
    ...(change.original ? [execute(t("notify.duplicate.open", { reference: change.original.reference }), "need.view", { needId: change.original.id })] : []),
  ];
  return clean(card(body, actions));
}

export function needQuestionCard(ctx: CardContext, need: Need, question: string, askedBy: string): AdaptiveCard {
  const { t } = ctx;
  return clean(
    card(
      [
        heading(t("notify.ask.title", { reference: need.reference })),
        paragraph(needTitleLine(need, 150), { subtle: true }),
        paragraph(t("notify.ask.body", { name: plainText(askedBy) })),
        container([paragraph(plainText(truncate(question, 1500)))], { style: "emphasis" }),
        textInput({ id: "answer", label: t("notify.ask.answer"), multiline: true, isRequired: true, errorMessage: t("triage.error.answer"), maxLength: 2000 }),
      ],
      [execute(t("notify.ask.send"), "need.reply", { needId: need.id, version: need.version }, { style: "positive" })],
    ),
  );
}

export function answerNotificationCard(ctx: CardContext, need: Need, answer: string, reporterName: string): AdaptiveCard {
  const { t } = ctx;
  return clean(
    card(
      [
        heading(t("notify.answer.title", { reference: need.reference, name: plainText(reporterName) })),
        paragraph(needTitleLine(need, 150), { subtle: true }),
        container([paragraph(plainText(truncate(answer, 1500)))], { style: "emphasis" }),
        paragraph(t("notify.answer.body"), { subtle: true }),
      ],
      [execute(t("triage.open"), "triage.view", { needId: need.id })],
    ),
  );
}
