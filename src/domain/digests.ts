// What a coordinators' digest holds, as plain data: new needs, the triage
// queue (those past the target highlighted), the work-package status grid,
// overdue status requests, silent initiatives and key figures. Built from
// repository queries that count and group in the database; the aggregation
// helpers below are pure.
import { CronExpressionParser } from "cron-parser";
import type { Store } from "../store/index.ts";
import { personAddress } from "./addresses.ts";
import { DomainError } from "./errors.ts";
import { requireRole } from "./permissions.ts";
import { TRIAGE_ROLES } from "./triage.ts";
import { OPEN_NEED_STATUSES, SUSTAINABILITY_AREAS, type Health, type Need, type Person, type QueuedNeed, type SustainabilityArea } from "./types.ts";
import type { Calendar } from "./calendar.ts";
import { buildResearchDigest, type ResearchDigest } from "./digestResearch.ts";

export const DIGEST_KIND = "coordinator";
/** Items shown per list; the rest is "and N more", which keeps the card within Teams' 40 KB and Slack's 50 blocks. */
export const TOP_ITEMS = 5;
const TRIAGE_TIME_WINDOW_DAYS = 90;
/** The median time to triage is taken over at most this many of the latest triaged needs in the window. */
const TRIAGE_TIME_SAMPLE = 2_000;
const PING_RATE_WINDOW_DAYS = 28;
const DAY = 86_400_000;

export type Trend = "up" | "down" | "same" | "new" | "none";

export interface DigestNeed {
  id: number;
  reference: string;
  title: string;
  departmentName: string | null;
  supporterCount: number;
  createdAt: Date;
  ageWorkingDays: number;
  overdue: boolean;
}

export interface DigestPeriod {
  from: Date;
  to: Date;
  /** The period's identity for "sent once": the scheduled time, or "now:<ISO>" on demand. */
  key: string;
}

export interface DigestData {
  period: DigestPeriod;
  newNeeds: { total: number; items: DigestNeed[] };
  waiting: { total: number; overdue: number; awaitingReply: number; targetDays: number; items: DigestNeed[] };
  grid: { code: string; name: string; now: Health | null; before: Health | null; trend: Trend; lastUpdateAt: Date | null }[];
  overdueRequests: { total: number; items: { label: string; recipientName: string | null; dueAt: Date }[] };
  staleInitiatives: { total: number; weeks: number; items: { code: string; title: string; lastUpdateAt: Date | null }[] };
  /** How often each method of the catalogue was attached to a need in the period, most first. */
  methods: { total: number; items: { name: string; nameEn: string; count: number }[] };
  figures: {
    medianWorkingDaysToTriage: number | null;
    triaged: number;
    pingAnswerRate: number | null;
    pingsDue: number;
    byDepartment: { name: string; nameEn: string | null; count: number }[];
    bySustainability: { area: SustainabilityArea; count: number }[];
  };
  /** Evaluation figures and shared lessons (work package 5). */
  research?: ResearchDigest;
  /** Messages the outbox gave up on in the period, and the people no chat account reaches. */
  delivery?: { failed: number; unreachable: string[] };
}

export interface DigestRecipient {
  /** Digest.recipientKey and the outbox target: "person:<id>" or a channel ("teams:<conversation id>", "slack:C123"). */
  key: string;
  locale: Person["locale"];
}

const HEALTH_RANK: Record<Health, number> = { blocked: 0, at_risk: 1, on_track: 2 };

export function trend(now: Health | null, before: Health | null): Trend {
  if (!now) return "none";
  if (!before) return "new";
  return HEALTH_RANK[now] > HEALTH_RANK[before] ? "up" : HEALTH_RANK[now] < HEALTH_RANK[before] ? "down" : "same";
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Sums per area the counts of stored combinations ("social,economic": 3 counts for both). */
export function countByArea(rows: { sustainability: SustainabilityArea[]; count: number }[]): { area: SustainabilityArea; count: number }[] {
  const totals = new Map<SustainabilityArea, number>(SUSTAINABILITY_AREAS.map((a) => [a, 0]));
  for (const row of rows) for (const area of row.sustainability) if (totals.has(area)) totals.set(area, totals.get(area)! + row.count);
  return [...totals].map(([area, count]) => ({ area, count })).sort((a, b) => b.count - a.count);
}

/** True when nothing in the digest asks for attention: the card is then short and friendly. */
export function isQuiet(data: DigestData): boolean {
  const undelivered = (data.delivery?.failed ?? 0) > 0 || (data.delivery?.unreachable.length ?? 0) > 0;
  return data.newNeeds.total === 0 && data.waiting.total === 0 && data.overdueRequests.total === 0 && data.staleInitiatives.total === 0 && !undelivered;
}

/** The digest cadence (a plain five-field cron expression, unlike a ping cadence) as a schedule around `at`. */
function digestSchedule(cadence: string, zone: string, at: Date) {
  try {
    return CronExpressionParser.parse(cadence, { currentDate: new Date(at.getTime() + 1), tz: zone });
  } catch (err) {
    throw new DomainError("invalid_input", `digest.cadence "${cadence}": ${(err as Error).message}`);
  }
}

/** The latest scheduled digest at or before `now`, and the period it covers (since the one before). */
export function scheduledPeriod(cadence: string, zone: string, now: Date): DigestPeriod {
  const schedule = digestSchedule(cadence, zone, now);
  const to = schedule.prev().toDate();
  const from = schedule.prev().toDate();
  return { from, to, key: to.toISOString() };
}

function toDigestNeed(need: QueuedNeed, now: Date, calendar: Calendar, zone: string, targetDays: number): DigestNeed {
  const ageWorkingDays = calendar.workingDaysBetween(need.createdAt, now, zone);
  return {
    id: need.id,
    reference: need.reference,
    title: need.title,
    departmentName: need.departmentName,
    supporterCount: need.supporterCount,
    createdAt: need.createdAt,
    ageWorkingDays,
    overdue: need.status === "submitted" && ageWorkingDays > targetDays,
  };
}

export function createDigestService(store: Store, calendar: Calendar, options: { zone: string; defaultLocale: Person["locale"] }) {
  async function build(period: DigestPeriod): Promise<DigestData> {
    const now = period.to;
    const [targetDays, staleWeeks] = await Promise.all([
      store.settings.get("triage.targetWorkingDays"),
      store.settings.get("digest.staleInitiativeWeeks"),
    ]);
    const [newNeeds, queue, overdue, health, overdueRequests, stale, triageTimes, pings, byDept, bySust, departments, methods] = await Promise.all([
      store.needs.reportedBetween(period.from, period.to, TOP_ITEMS),
      store.needs.triageQueue(TOP_ITEMS),
      store.needs.countWaitingSince(calendar.workingDaysCutoff(now, targetDays, options.zone)),
      store.digests.workPackageHealth(now),
      store.digests.overdueRequests(now, TOP_ITEMS),
      store.digests.staleInitiatives(new Date(now.getTime() - staleWeeks * 7 * DAY), TOP_ITEMS),
      store.needs.triageTimes(new Date(now.getTime() - TRIAGE_TIME_WINDOW_DAYS * DAY), TRIAGE_TIME_SAMPLE),
      store.digests.pingCounts(new Date(now.getTime() - PING_RATE_WINDOW_DAYS * DAY), now),
      store.needs.openCountByDepartment(OPEN_NEED_STATUSES),
      store.needs.openCountBySustainability(OPEN_NEED_STATUSES),
      store.departments.active(),
      store.methods.attachedBetween(period.from, period.to),
    ]);
    const deptById = new Map(departments.map((d) => [d.id, d]));
    const [failed, unreachable] = await Promise.all([store.outbox.failedBetween(period.from, period.to), store.people.unreachable()]);
    return {
      period,
      newNeeds: { total: newNeeds.total, items: newNeeds.items.map((n) => toDigestNeed(n, now, calendar, options.zone, targetDays)) },
      waiting: {
        total: queue.total,
        overdue,
        awaitingReply: queue.awaitingReply,
        targetDays,
        items: queue.items.map((n) => toDigestNeed(n, now, calendar, options.zone, targetDays)),
      },
      grid: health.map((wp) => {
        const [latest, previous] = wp.updates;
        return { code: wp.code, name: wp.name, now: latest?.health ?? null, before: previous?.health ?? null, trend: trend(latest?.health ?? null, previous?.health ?? null), lastUpdateAt: latest?.at ?? null };
      }),
      overdueRequests,
      staleInitiatives: { ...stale, weeks: staleWeeks },
      methods: { total: methods.length, items: methods.slice(0, TOP_ITEMS).map(({ method, count }) => ({ name: method.name, nameEn: method.nameEn, count })) },
      figures: {
        medianWorkingDaysToTriage: median(triageTimes.latest.map((t) => calendar.workingDaysBetween(t.createdAt, t.triagedAt, options.zone))),
        triaged: triageTimes.total,
        pingAnswerRate: pings.asked ? pings.answered / pings.asked : null,
        pingsDue: pings.asked,
        byDepartment: byDept
          .map((row) => {
            const dept = row.departmentId !== null ? deptById.get(row.departmentId) : undefined;
            return { name: dept?.name ?? "–", nameEn: dept?.nameEn ?? null, count: row.count };
          })
          .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
        bySustainability: countByArea(bySust),
      },
      research: await buildResearchDigest(store, calendar, options.zone, period),
      delivery: { failed: failed.length, unreachable },
    };
  }

  return {
    build,

    /** The scheduled digest due at `now`, from settings key "digest.cadence". */
    async duePeriod(now: Date): Promise<DigestPeriod> {
      const cadence = await store.settings.get("digest.cadence");
      return scheduledPeriod(cadence, options.zone, now);
    },

    /** Every coordinator, then the configured coordinator channels (in the default language). */
    async recipients(): Promise<DigestRecipient[]> {
      const coordinators = await store.people.withRole("coordinator");
      const channels = await store.settings.get("digest.channels");
      return [
        ...coordinators.map((p) => ({ key: personAddress(p.id), locale: p.locale })),
        ...channels.map((key) => ({ key, locale: options.defaultLocale })),
      ];
    },

    /** A digest now, for one coordinator: since their last scheduled digest (or the last week). */
    async onDemand(person: Person, now: Date): Promise<DigestData> {
      requireRole(person, ...TRIAGE_ROLES);
      const last = await store.digests.lastSentAt(personAddress(person.id), DIGEST_KIND);
      const from = last && last < now ? last : new Date(now.getTime() - 7 * DAY);
      return build({ from, to: now, key: `now:${now.toISOString()}` });
    },
  };
}
export type DigestService = ReturnType<typeof createDigestService>;
