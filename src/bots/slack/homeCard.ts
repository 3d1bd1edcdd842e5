// The Slack App Home tab: the person's needs, status requests waiting for
// them and, for coordinators, the size of the triage queue.
import { OVERVIEW_ITEMS, type OrganisationOverview } from "../../domain/portfolio.ts";
import type { Health, NeedLine } from "../../domain/types.ts";
import { formatDate, truncate } from "../../i18n/format.ts";
import type { CardContext } from "../../cards/context.ts";
import { actionSet, card, clean, execute, heading, openUrl, paragraph, subheading, type AdaptiveCard, type Element } from "../../cards/elements.ts";
import { needLine } from "../../cards/needCard.ts";

const NEEDS_SHOWN = 10;

export interface HomeContent {
  reported: NeedLine[];
  requests: { label: string; dueAt: Date }[];
  /** Needs waiting for triage; set for coordinators only. */
  triageCount?: number;
  /** "Across the organisation": for everyone. */
  organisation?: OrganisationOverview;
  /** The web portfolio (PUBLIC_URL/portfolio), when it is served. */
  portfolioUrl?: string;
}

const HEALTH_MARK: Record<Health, string> = { on_track: "🟢", at_risk: "🟡", blocked: "🔴" };

/** The organisation in brief: where needs are, what was taken on, how the work packages are doing. */
function organisationSection(ctx: CardContext, overview: OrganisationOverview, portfolioUrl: string | undefined): Element[] {
  const { t, locale } = ctx;
  const more = (total: number) => (total > OVERVIEW_ITEMS ? [`…${t("slack.home.org.more", { count: total - OVERVIEW_ITEMS })}`] : []);
  const depts = overview.byDepartment.map((d) => `- ${locale === "en" && d.nameEn ? d.nameEn : d.name}: ${d.count}`);
  const grid = overview.grid.map((w) => `${w.now ? HEALTH_MARK[w.now] : "⚪"} ${w.code}`);
  return [
    heading(t("slack.home.org.title")),
    subheading(t("slack.home.org.byDepartment")),
    paragraph(depts.length ? [...depts.slice(0, OVERVIEW_ITEMS), ...more(depts.length)].join("\n") : t("slack.home.org.none")),
    subheading(t("slack.home.org.accepted")),
    paragraph(
      overview.newestAccepted.length
        ? overview.newestAccepted.map((n) => `- ${n.reference}: ${truncate(n.title, 80)} (${n.departmentName ?? "–"})`).join("\n")
        : t("slack.home.org.none"),
    ),
    subheading(t("slack.home.org.grid")),
    paragraph(grid.length ? grid.slice(0, 30).join("  ") + (grid.length > 30 ? ` …+${grid.length - 30}` : "") : t("slack.home.org.none")),
    ...(portfolioUrl ? [actionSet([openUrl(t("slack.home.org.portfolio"), portfolioUrl)])] : []),
  ];
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
      paragraph(content.requests.map((r) => `- ${t("slack.home.request", { label: r.label, due: formatDate(ctx, r.dueAt) })}`).join("\n")),
      paragraph(t("slack.home.requestsHint"), { subtle: true }),
    );
  }
  body.push(subheading(t("slack.home.needs")));
  if (content.reported.length === 0) body.push(paragraph(t("slack.home.noNeeds")));
  body.push(...content.reported.slice(0, NEEDS_SHOWN).map((n) => needLine(ctx, n)));
  if (content.reported.length > NEEDS_SHOWN) body.push(paragraph(`… +${content.reported.length - NEEDS_SHOWN}`, { subtle: true }));
  if (content.organisation) body.push(...organisationSection(ctx, content.organisation, content.portfolioUrl));
  return clean(card(body));
}
