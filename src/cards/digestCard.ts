// The coordinators' digest: one compact card (top items of each list, then
// "and N more", so it stays within Teams' 40 KB and Slack's 50 blocks) and the
// same content as plain text for the terminal (`jobs run digest --dry-run`).
// Both render the sections built once here.
import { isQuiet, type DigestData, type DigestNeed } from "../domain/digests.ts";
import type { Health } from "../domain/types.ts";
import { formatDate, truncate } from "../i18n/format.ts";
import type { CardContext } from "./context.ts";
import { methodName } from "../domain/methods.ts";
import { researchSections } from "./digestResearch.ts";
import { card, clean, container, execute, facts, heading, paragraph, plainText, subheading, unescapeMarkdown, type AdaptiveCard, type Element } from "./elements.ts";

const HEALTH_MARK: Record<Health, string> = { on_track: "🟢", at_risk: "🟡", blocked: "🔴" };
const TREND_MARK = { up: "↗", down: "↘", same: "→", new: "", none: "" } as const;

interface Section {
  title: string;
  lines: string[];
  /** Lines that ask for action are shown in the attention colour on the card. */
  attention?: boolean;
}

interface DigestView {
  title: string;
  intro: string;
  sections: Section[];
  figures: [string, string][];
}

function digestNeedLine(ctx: CardContext, need: DigestNeed, withAge: boolean): string {
  const { t } = ctx;
  const parts = [
    `**${need.reference}** ${plainText(truncate(need.title, 70))}`,
    need.departmentName ? plainText(truncate(need.departmentName, 40)) : "",
    withAge ? t("digest.age", { days: need.ageWorkingDays }) : formatDate(ctx, need.createdAt),
    `+${need.supporterCount}`,
  ].filter(Boolean);
  return `${need.overdue ? "⚠ " : ""}${parts.join(" · ")}`;
}

function more(ctx: CardContext, total: number, shown: number): string[] {
  return total > shown ? [ctx.t("common.andMore", { count: total - shown })] : [];
}

function digestView(ctx: CardContext, data: DigestData): DigestView {
  const { t, locale } = ctx;
  const date = (d: Date) => formatDate(ctx, d);
  const title = t("digest.title", { from: date(data.period.from), to: date(data.period.to) });
  const gridLines = data.grid.map((wp) => {
    const mark = wp.now ? HEALTH_MARK[wp.now] : "⚪";
    const name = `**${plainText(wp.code)}** ${plainText(truncate(wp.name, 50))}`;
    if (!wp.now) return `${mark} ${name} · ${t("digest.grid.noUpdate")}`;
    const was = wp.before ? ` ${TREND_MARK[wp.trend]} ${t("digest.grid.was", { health: `${HEALTH_MARK[wp.before]} ${t(`digest.health.${wp.before}`)}` })}` : "";
    return `${mark} ${name}: ${t(`digest.health.${wp.now}`)}${was} · ${t("digest.grid.updated", { date: date(wp.lastUpdateAt!) })}`;
  });
  const gridSection: Section = { title: t("digest.grid.title"), lines: gridLines };

  if (isQuiet(data)) {
    const grid = gridLines.length && data.grid.some((g) => g.now) ? [gridSection] : [];
    return { title, intro: t("digest.quiet"), sections: [...grid, ...researchSections(ctx, data.research)], figures: [] };
  }

  const { newNeeds, waiting, overdueRequests, staleInitiatives, figures } = data;
  const sections: Section[] = [
    {
      title: t("digest.new.title", { count: newNeeds.total }),
      lines: newNeeds.total ? [...newNeeds.items.map((n) => digestNeedLine(ctx, n, false)), ...more(ctx, newNeeds.total, newNeeds.items.length)] : [t("digest.new.none")],
    },
    {
      title: t("digest.waiting.title", { count: waiting.total }),
      lines: [
        ...(waiting.overdue ? [t("digest.waiting.overdue", { count: waiting.overdue, days: waiting.targetDays })] : []),
        ...waiting.items.map((n) => digestNeedLine(ctx, n, true)),
        ...more(ctx, waiting.total, waiting.items.length),
        ...(waiting.awaitingReply ? [t("digest.waiting.awaiting", { count: waiting.awaitingReply })] : []),
        ...(waiting.total === 0 ? [t("digest.waiting.none")] : []),
      ],
      attention: waiting.overdue > 0,
    },
    gridSection,
  ];
  if (overdueRequests.total) {
    sections.push({
      title: t("digest.overdue.title", { count: overdueRequests.total }),
      lines: [
        ...overdueRequests.items.map((r) => `${plainText(truncate(r.label, 60))} · ${plainText(r.recipientName ?? "–")} · ${t("digest.overdue.due", { date: date(r.dueAt) })}`),
        ...more(ctx, overdueRequests.total, overdueRequests.items.length),
      ],
      attention: true,
    });
  }
  if (staleInitiatives.total) {
    sections.push({
      title: t("digest.stale.title", { count: staleInitiatives.total, weeks: staleInitiatives.weeks }),
      lines: [
        ...staleInitiatives.items.map(
          (i) => `**${plainText(i.code)}** ${plainText(truncate(i.title, 60))} · ${i.lastUpdateAt ? t("digest.stale.last", { date: date(i.lastUpdateAt) }) : t("digest.stale.never")}`,
        ),
        ...more(ctx, staleInitiatives.total, staleInitiatives.items.length),
      ],
    });
  }
  if (data.methods.total) {
    sections.push({
      title: t("digest.methods.title"),
      lines: [
        ...data.methods.items.map((m) => t("digest.methods.line", { name: plainText(truncate(methodName(ctx, m), 60)), count: m.count })),
        ...more(ctx, data.methods.total, data.methods.items.length),
      ],
    });
  }
  sections.push(...researchSections(ctx, data.research));
  const top = <T>(list: T[], label: (x: T) => string) =>
    [...list.slice(0, TOP_FIGURES).map(label), ...(list.length > TOP_FIGURES ? [t("common.andMore", { count: list.length - TOP_FIGURES })] : [])].join(", ");
  const figureRows: [string, string][] = [
    [
      t("digest.figures.triageTime"),
      figures.medianWorkingDaysToTriage === null ? "–" : t("digest.figures.triageTimeValue", { days: figures.medianWorkingDaysToTriage, count: figures.triaged }),
    ],
    [
      t("digest.figures.pingRate"),
      figures.pingAnswerRate === null ? "–" : t("digest.figures.pingRateValue", { percent: Math.round(figures.pingAnswerRate * 100), count: figures.pingsDue }),
    ],
    [t("digest.figures.byDepartment"), top(figures.byDepartment, (d) => `${plainText(truncate(locale === "en" && d.nameEn ? d.nameEn : d.name, 40))} ${d.count}`) || "–"],
    [t("digest.figures.bySustainability"), top(figures.bySustainability, (s) => `${t(`sustainability.${s.area}`)} ${s.count}`) || "–"],
  ];
  const delivery = data.delivery;
  if (delivery && (delivery.failed > 0 || delivery.unreachable.length > 0)) {
    figureRows.push([t("digest.figures.delivery"), t("digest.figures.deliveryValue", { count: delivery.failed, people: top(delivery.unreachable, (name) => truncate(name, 40)) || "–" })]);
  }
  return { title, intro: "", sections, figures: figureRows };
}

const TOP_FIGURES = 5;

/** The key figures as a picture: a chart PNG at an https URL (Slack shows only those). */
export interface DigestPicture {
  url: string;
  altText: string;
}

export function digestCard(ctx: CardContext, data: DigestData, options: { picture?: DigestPicture } = {}): AdaptiveCard {
  const { t } = ctx;
  const view = digestView(ctx, data);
  const body: Element[] = [heading(view.title), ...(view.intro ? [paragraph(view.intro)] : [])];
  for (const section of view.sections) {
    body.push(
      container([subheading(section.title), paragraph(section.lines.map((l) => `- ${l}`).join("\n"), section.attention ? { color: "Attention" } : {})], {
        separator: true,
      }),
    );
  }
  if (view.figures.length) body.push(container([subheading(t("digest.figures.title")), facts(view.figures)], { separator: true }));
  if (options.picture) body.push({ type: "Image", url: options.picture.url, altText: options.picture.altText, size: "Stretch" });
  const actions = data.waiting.total > 0 ? [execute(t("digest.openQueue"), "triage.queue")] : [];
  return clean(card(body, actions));
}

/** The digest as plain text, for the terminal. */
export function digestText(ctx: CardContext, data: DigestData): string {
  const view = digestView(ctx, data);
  const plain = (s: string) => unescapeMarkdown(s.replace(/\*\*/g, ""));
  const out = [view.title, "=".repeat(view.title.length)];
  if (view.intro) out.push(view.intro);
  for (const section of view.sections) out.push("", section.title, ...section.lines.map((l) => `  - ${plain(l)}`));
  if (view.figures.length) out.push("", ctx.t("digest.figures.title"), ...view.figures.map(([k, v]) => `  ${k}: ${unescapeMarkdown(v)}`));
  return out.join("\n");
}
