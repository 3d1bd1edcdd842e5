// Views of needs: one need with its history, a person's list, the similar
// needs offered before saving or found by searching, and the confirmation after.
import type { Need, NeedEvent, NeedLine } from "../domain/types.ts";
import { formatDate, formatDateTime, truncate } from "../i18n/format.ts";
import type { CardContext } from "./context.ts";
import {
  actionSet,
  card,
  clean,
  container,
  execute,
  facts,
  heading,
  openUrl,
  paragraph,
  plainText,
  subheading,
  type Action,
  type AdaptiveCard,
  type Element,
} from "./elements.ts";

/** History entries shown on a need card; older ones are summarised. */
const HISTORY_SHOWN = 15;
const LIST_SHOWN = 20;

function statusText(ctx: CardContext, need: Pick<Need, "status">): string {
  return ctx.t(`need.status.${need.status}`);
}

export function needFacts(ctx: CardContext, need: Need): Element {
  const { t, locale } = ctx;
  return facts([
    [t("need.card.status"), statusText(ctx, need)],
    [t("need.card.urgency"), t(`urgency.${need.urgency}`)],
    [t("need.card.department"), plainText(need.departmentName ?? "")],
    [t("need.card.reporter"), plainText(need.reporterName)],
    [t("need.card.created"), formatDate(ctx, need.createdAt)],
    [t("need.card.supporters"), String(need.supporterCount)],
    [t("need.card.workPackage"), need.workPackageCode ?? ""],
    [t("need.card.sustainability"), need.sustainability.map((a) => t(`sustainability.${a}`)).join(", ")],
  ]);
}

/** Event kinds told in words of their own; other kinds with a status change read "status A → B". */
const EVENT_WORDS = ["created", "edited", "withdrawn", "supported", "question", "answered", "merged"];

/** One line of a need's history: when, what, who, and the note. */
export function eventText(ctx: CardContext, e: NeedEvent): string {
  const { t, locale } = ctx;
  const what = EVENT_WORDS.includes(e.kind)
    ? t(`history.${e.kind}`)
    : e.fromStatus && e.toStatus
      ? t("history.status", { from: t(`need.status.${e.fromStatus}`), to: t(`need.status.${e.toStatus}`) })
      : e.kind;
  const line = e.actorName ? t("history.by", { what, actor: plainText(e.actorName) }) : what;
  return `${formatDateTime(ctx, e.createdAt)}: ${line}${e.note ? ` (${plainText(truncate(e.note, 200))})` : ""}`;
}

export function needCard(ctx: CardContext, need: Need, events: NeedEvent[], options: { canChange: boolean }): AdaptiveCard {
  const { t } = ctx;
  const shown = events.slice(-HISTORY_SHOWN);
  const body: Element[] = [
    heading(`${need.reference}: ${plainText(need.title)}`),
    needFacts(ctx, need),
    paragraph(plainText(need.problem)),
    ...(need.affected ? [subheading(t("need.card.affected")), paragraph(plainText(need.affected))] : []),
    ...(need.benefit ? [subheading(t("need.card.benefit")), paragraph(plainText(need.benefit))] : []),
    ...(need.outcome ? [subheading(t("need.card.outcome")), paragraph(plainText(need.outcome))] : []),
    container(
      [
        subheading(t("need.card.history")),
        ...(events.length > shown.length ? [paragraph(`… +${events.length - shown.length}`, { subtle: true })] : []),
        ...shown.map((e) => paragraph(eventText(ctx, e), { subtle: true, size: "Small" })),
      ],
      { separator: true },
    ),
  ];
  const actions = [
    ...(options.canChange
      ? [
          execute(t("need.edit"), "need.edit", { needId: need.id }),
          execute(t("need.withdraw"), "need.withdraw", { needId: need.id, version: need.version }, { style: "destructive" }),
        ]
      : []),
    ...(need.sourceUrl ? [openUrl(t("need.card.source"), need.sourceUrl)] : []),
  ];
  return clean(card(body, actions));
}

/** "**N-2026-0042** Title": the reference in bold, the title as the reporter typed it. */
export function needTitleLine(need: Pick<Need, "reference" | "title">, max: number): string {
  return `**${need.reference}** ${plainText(truncate(need.title, max))}`;
}

/** One need in a list: reference and title, a detail line, and a button. */
export function needListItem(need: Pick<Need, "id" | "reference" | "title">, detail: string, button: Action, options: { attention?: boolean } = {}): Element {
  return {
    type: "ColumnSet",
    columns: [
      {
        type: "Column",
        width: "stretch",
        items: [
          paragraph(needTitleLine(need, 80)),
          paragraph(detail, { subtle: !options.attention, color: options.attention ? "Attention" : undefined, size: "Small" }),
        ],
      },
      { type: "Column", width: "auto", verticalContentAlignment: "Center", items: [actionSet([button])] },
    ],
  };
}

export function needLine(ctx: CardContext, need: NeedLine): Element {
  return needListItem(
    need,
    `${statusText(ctx, need)} · ${formatDate(ctx, need.createdAt)} · +${need.supporterCount}`,
    execute(ctx.t("need.open"), "need.view", { needId: need.id }),
  );
}

export function myNeedsCard(ctx: CardContext, reported: NeedLine[], supported: NeedLine[]): AdaptiveCard {
  const { t } = ctx;
  const more = (list: NeedLine[]) => (list.length > LIST_SHOWN ? [paragraph(`… +${list.length - LIST_SHOWN}`, { subtle: true })] : []);
  const body: Element[] = [heading(t("need.mine.title"))];
  if (reported.length === 0) body.push(paragraph(t("need.mine.empty")));
  body.push(...reported.slice(0, LIST_SHOWN).map((n) => needLine(ctx, n)), ...more(reported));
  if (supported.length > 0) {
    body.push(subheading(t("need.mine.supported")), ...supported.slice(0, LIST_SHOWN).map((n) => needLine(ctx, n)), ...more(supported));
  }
  return clean(card(body, reported.length === 0 ? [execute(t("help.button.report"), "need.new")] : []));
}

/**
 * One need offered to support instead of reporting or looking further: the
 * other department is the news, so it stands first, with the status and how
 * many already support it.
 */
function supportableNeed(ctx: CardContext, need: Need): Element {
  const { t } = ctx;
  const meta = t("need.similar.meta", {
    department: need.departmentName ? plainText(truncate(need.departmentName, 60)) : t("need.similar.noDepartment"),
    status: statusText(ctx, need),
    supporters: need.supporterCount,
  });
  return container(
    [
      paragraph(needTitleLine(need, 100)),
      paragraph(meta, { subtle: true, size: "Small" }),
      paragraph(plainText(truncate(need.problem, 300)), { subtle: true }),
      actionSet([execute(t("need.similar.support", { reference: need.reference }), "need.support", { needId: need.id })]),
    ],
    { separator: true, style: "emphasis" },
  );
}

export function similarNeedsCard(ctx: CardContext, similar: Need[], draft: Record<string, unknown>): AdaptiveCard {
  const { t } = ctx;
  const body: Element[] = [heading(t("need.similar.title")), paragraph(t("need.similar.intro")), ...similar.map((need) => supportableNeed(ctx, need))];
  return clean(
    card(body, [execute(t("need.similar.different"), "need.submit", { ...draft, skipSimilar: true }, { style: "positive", associatedInputs: "none" })]),
  );
}

/** What a person finds when looking for a need to support ("find need parking"). */
export function needSearchCard(ctx: CardContext, query: string, found: Need[]): AdaptiveCard {
  const { t } = ctx;
  const body: Element[] = [heading(t("need.find.title"))];
  if (!query) body.push(paragraph(t("need.find.usage")));
  else if (found.length === 0) body.push(paragraph(t("need.find.none", { query: plainText(truncate(query, 100)) })));
  else body.push(paragraph(t("need.find.intro", { query: plainText(truncate(query, 100)) })), ...found.map((need) => supportableNeed(ctx, need)));
  return clean(card(body, query && found.length === 0 ? [execute(t("help.button.report"), "need.new", { text: truncate(query, 200) })] : []));
}

/** The need just stored; `repeated`: the same submission came again (double click, replay) and this is the need it stored. */
export function needCreatedCard(ctx: CardContext, need: Need, options: { repeated?: boolean } = {}): AdaptiveCard {
  const { t } = ctx;
  const title = options.repeated ? "need.repeated.title" : "need.created.title";
  return clean(
    card(
      [heading(t(title, { reference: need.reference })), needFacts(ctx, need), paragraph(t("need.created.body"))],
      [execute(t("need.open"), "need.view", { needId: need.id }), execute(t("help.button.mine"), "need.mine")],
    ),
  );
}
