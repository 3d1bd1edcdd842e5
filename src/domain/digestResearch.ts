// The coordinators' digest's part from work package 5: this quarter's
// evaluation figures against the last quarter's, and the lessons owners
// marked shareable in the digest's period.
import type { Store } from "../store/index.ts";
import type { Calendar } from "./calendar.ts";
import { createKpiService, type KpiFigures } from "./kpis.ts";

const LESSONS_SHOWN = 3;

export interface ResearchDigest {
  evaluation: { current: KpiFigures; previous: KpiFigures };
  lessons: { total: number; items: { subject: string; worked: string; didNotWork: string; othersShouldKnow: string }[] };
}

export async function buildResearchDigest(store: Store, calendar: Calendar, zone: string, period: { from: Date; to: Date }): Promise<ResearchDigest> {
  const [evaluation, shared] = await Promise.all([
    createKpiService(store, calendar, zone).quarterComparison(period.to),
    store.lessons.sharedBetween(period.from, period.to, LESSONS_SHOWN),
  ]);
  return {
    evaluation,
    lessons: {
      total: shared.total,
      items: shared.items.map(({ subject, worked, didNotWork, othersShouldKnow }) => ({ subject, worked, didNotWork, othersShouldKnow })),
    },
  };
}
