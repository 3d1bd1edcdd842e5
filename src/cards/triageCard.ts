// The coordinators' triage views: the queue (oldest first, with age and
// supporters) and one need's decision form. Every decision button carries the
// need's version, so a decision taken on an outdated card is refused.
import type { FieldError } from "../domain/errors.ts";
import { availableActions, type QueueEntry, type TriageAction, type TriageQueue, type TriageView } from "../domain/triage.ts";
import { formatDate, truncate } from "../i18n/format.ts";
import type { CardContext } from "./context.ts";
import { card, choiceInput, clean, container, execute, heading, paragraph, plainText, subheading, textInput, type AdaptiveCard, type Element } from "./elements.ts";
import { methodName } from "../domain/methods.ts";
import { eventText, needFacts, needListItem } from "./needCard.ts";

const HISTORY_SHOWN = 5;

function queueLine(ctx: CardContext, entry: QueueEntry): Element {
  const { t, locale } = ctx;
  const { need } = entry;
  const age = t("triage.queue.age", { days: entry.ageWorkingDays, date: formatDate(ctx, need.createdAt) });
  return needListItem(
    need,
    `${entry.overdue ? `⚠ ${t("triage.queue.overdue")} · ` : ""}${age} · +${need.supporterCount} · ${plainText(need.departmentName ?? "")}`,
    execute(t("triage.open"), "triage.view", { needId: need.id }),
    { attention: entry.overdue },
  );
}

export function triageQueueCard(ctx: CardContext, queue: TriageQueue): AdaptiveCard {
  const { t } = ctx;
  const body: Element[] = [heading(t("triage.queue.title", { count: queue.total }))];
  if (queue.total === 0) body.push(paragraph(t("triage.queue.empty")));
  else body.push(paragraph(t("triage.queue.intro", { days: queue.targetDays }), { subtle: true }));
  body.push(...queue.entries.map((e) => queueLine(ctx, e)));
  if (queue.total > queue.entries.length) body.push(paragraph(t("common.andMore", { count: queue.total - queue.entries.length }), { subtle: true }));
  if (queue.awaitingReply > 0) body.push(paragraph(t("triage.queue.awaiting", { count: queue.awaitingReply }), { subtle: true, size: "Small" }));
  return clean(card(body, [execute(t("triage.refresh"), "triage.queue")]));
}

export interface TriageFormState {
  values?: { assignTo?: string; note?: string; original?: string; methods?: string };
  errors?: Record<string, FieldError>;
}

const BUTTON_STYLE: Partial<Record<TriageAction, "positive" | "destructive">> = { accept: "positive", done: "positive", decline: "destructive" };

export function triageNeedCard(ctx: CardContext, view: TriageView, state: TriageFormState = {}): AdaptiveCard {
  const { t } = ctx;
  const { need } = view;
  const actions = availableActions(need);
  const err = (field: string) => (state.errors?.[field] ? t(state.errors[field].key, state.errors[field].params) : undefined);
  const history = view.events.slice(-HISTORY_SHOWN).map((e) => eventText(ctx, e));
  const body: Element[] = [
    heading(`${need.reference}: ${plainText(truncate(need.title, 120))}`),
    needFacts(ctx, need),
    paragraph(plainText(truncate(need.problem, 1500))),
    ...(need.awaitingReply ? [paragraph(t("triage.need.awaiting"), { color: "Warning" })] : []),
    ...(history.length ? [container([subheading(t("need.card.history")), paragraph(history.join("\n\n"), { subtle: true, size: "Small" })], { separator: true })] : []),
  ];
  if (actions.length === 0) {
    body.push(paragraph(t("triage.need.closed", { status: t(`need.status.${need.status}`) }), { subtle: true }));
    return clean(card(body, [execute(t("triage.backToQueue"), "triage.queue")]));
  }
  body.push(subheading(t("triage.need.decide")));
  if (actions.includes("accept") || actions.includes("start")) {
    const current = need.initiativeId ? `init:${need.initiativeId}` : need.workPackageId ? `wp:${need.workPackageId}` : undefined;
    body.push(
      choiceInput({
        id: "assignTo",
        label: t("triage.field.assignTo"),
        style: "compact",
        value: state.values?.assignTo ?? current,
        placeholder: t("triage.field.assignTo.placeholder"),
        choices: [
          ...view.workPackages.map((wp) => ({ title: `${wp.code} ${wp.name}`, value: `wp:${wp.id}` })),
          ...view.initiatives.map((i) => ({ title: `${i.code} ${truncate(i.title, 80)}`, value: `init:${i.id}` })),
        ],
        error: err("assignTo"),
      }),
    );
  }
  if (actions.includes("accept") && view.methods.length > 0) {
    body.push(
      choiceInput({
        id: "methods",
        label: t("triage.field.methods"),
        style: "compact",
        isMultiSelect: true,
        value: state.values?.methods,
        placeholder: t("triage.field.methods.placeholder"),
        choices: view.methods.map((m) => ({ title: truncate(methodName(ctx, m), 80), value: String(m.id) })),
        error: err("methods"),
      }),
    );
  }
  body.push(
    textInput({
      id: "note",
      label: t("triage.field.note"),
      placeholder: t("triage.field.note.placeholder"),
      multiline: true,
      maxLength: 2000,
      value: state.values?.note,
      error: err("note"),
    }),
  );
  if (actions.includes("duplicate") && view.candidates.length > 0) {
    body.push(
      choiceInput({
        id: "original",
        label: t("triage.field.original"),
        style: "compact",
        value: state.values?.original,
        placeholder: t("triage.field.original.placeholder"),
        choices: view.candidates.map((n) => ({ title: `${n.reference} ${truncate(n.title, 70)}`, value: String(n.id) })),
        error: err("original"),
      }),
    );
  }
  const ref = { needId: need.id, version: need.version };
  return clean(
    card(
      body,
      actions.map((a) => execute(t(`triage.action.${a}`), `triage.${a}`, ref, BUTTON_STYLE[a] ? { style: BUTTON_STYLE[a] } : {})),
    ),
  );
}
