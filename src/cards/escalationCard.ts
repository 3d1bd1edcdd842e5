// For coordinators: a work package's status is overdue after the reminders.
import type { EscalationInfo } from "../domain/statusPings.ts";
import { formatDate, formatDateTime } from "../i18n/format.ts";
import type { CardContext } from "./context.ts";
import { card, clean, execute, facts, heading, paragraph, plainText, type AdaptiveCard } from "./elements.ts";
import { STATUS_VERBS } from "./statusForm.ts";


export function escalationCard(ctx: CardContext, info: EscalationInfo): AdaptiveCard {
  const { t, locale } = ctx;
  const rows: [string, string][] = [
    [t("status.escalation.lead"), info.leadName ? plainText(info.leadName) : t("status.nobody")],
    [t("status.escalation.asked"), `${formatDate(ctx, info.askedAt)}${info.askedName ? ` (${plainText(info.askedName)})` : ""}`],
    [t("status.escalation.due"), formatDateTime(ctx, info.dueAt)],
    [t("status.escalation.overdue"), t("status.escalation.overdueDays", { days: info.workingDaysOverdue })],
  ];
  return clean(
    card(
      [
        heading(t("status.escalation.title", { code: plainText(info.subject.code), name: plainText(info.subject.name) })),
        paragraph(
          t("status.escalation.body", {
            asked: formatDate(ctx, info.askedAt),
            due: formatDateTime(ctx, info.dueAt),
            days: info.workingDaysOverdue,
            reminders: info.remindersSent,
          }),
        ),
        facts(rows),
      ],
      [execute(t("status.escalation.pingAgain"), STATUS_VERBS.pingAgain, { requestId: info.requestId })],
    ),
  );
}
