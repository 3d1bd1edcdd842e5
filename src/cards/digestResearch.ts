// The digest's sections from work package 5 (src/domain/digestResearch.ts):
// evaluation figures of this quarter against the last, lessons of the period.
import type { ResearchDigest } from "../domain/digestResearch.ts";
import type { Share } from "../domain/kpis.ts";
import { truncate } from "../i18n/format.ts";
import type { CardContext } from "./context.ts";
import { plainText } from "./elements.ts";

export function researchSections(ctx: CardContext, research: ResearchDigest | undefined): { title: string; lines: string[] }[] {
  if (!research) return [];
  const { t } = ctx;
  const { current: now, previous: before } = research.evaluation;
  const days = (v: number | null) => (v === null ? "–" : v.toLocaleString(ctx.locale === "sv" ? "sv-SE" : "en-GB"));
  const percent = (s: Share) => (s.share === null ? "–" : `${Math.round(s.share * 100)} %`);
  const sections = [
    {
      title: t("digest.evaluation.title", { current: now.period, previous: before.period }),
      lines: [
        t("digest.evaluation.triage", { current: days(now.medianDaysToTriage), previous: days(before.medianDaysToTriage) }),
        t("digest.evaluation.done", { current: days(now.medianDaysToDone), previous: days(before.medianDaysToDone) }),
        t("digest.evaluation.told", { current: percent(now.toldWithinTarget), previous: percent(before.toldWithinTarget) }),
        t("digest.evaluation.crossDept", { current: percent(now.crossDepartmentSupport), previous: percent(before.crossDepartmentSupport) }),
        t("digest.evaluation.lessons", { current: now.lessonsLogged, previous: before.lessonsLogged }),
      ],
    },
  ];
  const { lessons } = research;
  if (lessons.total > 0) {
    sections.push({
      title: t("digest.lessons.title", { count: lessons.total }),
      lines: [
        ...lessons.items.map((l) => `**${plainText(truncate(l.subject, 60))}**: ${plainText(truncate(l.othersShouldKnow || l.worked || l.didNotWork, 200))}`),
        ...(lessons.total > lessons.items.length ? [t("common.andMore", { count: lessons.total - lessons.items.length })] : []),
      ],
    });
  }
  return sections;
}
