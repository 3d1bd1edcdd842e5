// The Slack App Home tab: the person's needs, status requests waiting for
// them and, for coordinators, the size of the triage queue.
import type { Need } from "../../domain/types.ts";
import { formatDate } from "../../i18n/format.ts";
import type { CardContext } from "../../cards/context.ts";
import { actionSet, card, clean, execute, heading, paragraph, subheading, type AdaptiveCard, type Element } from "../../cards/elements.ts";
import { needLine } from "../../cards/needCard.ts";

const NEEDS_SHOWN = 10;

export interface HomeContent {
  reported: Need[];
  requests: { label: string; dueAt: Date }[];
  /** Needs waiting for triage; set for coordinators only. */
  triageCount?: number;
}

export function homeCard(ctx: CardContext, content: HomeContent): AdaptiveCard {
  const { t, locale } = ctx;
  const body: Element[] = [
    heading(t("slack.home.title")),
    actionSet([execute(t("help.button.report"), "need.new", {}, { style: "positive" }), execute(t("help.button.mine"), "need.mine")]),
  ];
  if (content.triageCount !== undefined) {
    body.push(subheading(t("slack.home.triage", { count: content.triageCount })), paragraph(t("slack.home.triageHint"), { subtle: true }));
  }
  if (content.requests.length > 0) {
    body.push(
      subheading(t("slack.home.requests")),
      paragraph(content.requests.map((r) => `- ${t("slack.home.request", { label: r.label, due: formatDate(locale, r.dueAt) })}`).join("\n")),
      paragraph(t("slack.home.requestsHint"), { subtle: true }),
    );
  }
  body.push(subheading(t("slack.home.needs")));
  if (content.reported.length === 0) body.push(paragraph(t("slack.home.noNeeds")));
  body.push(...content.reported.slice(0, NEEDS_SHOWN).map((n) => needLine(ctx, n)));
  if (content.reported.length > NEEDS_SHOWN) body.push(paragraph(`… +${content.reported.length - NEEDS_SHOWN}`, { subtle: true }));
  return clean(card(body));
}
