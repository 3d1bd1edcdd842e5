// The portfolio: what everyone signed in may see across the organisation.
// People: a reporter's name only when they chose to show it, supporters never
// by name, e-mail addresses never; coordinators' decisions carry their name.
import type { Store } from "../store/index.ts";
import type { PortfolioQuery, PortfolioRow } from "../store/portfolio.ts";
import type { Calendar } from "./calendar.ts";
import { trend, type DigestService, type Trend } from "./digests.ts";
import { monthSeries, type KeyFigures } from "./keyFigures.ts";
import { DomainError } from "./errors.ts";
import { parseId } from "./ids.ts";
import type { Method } from "./methods.ts";
import type { SharedLesson } from "./lessonTypes.ts";
import type { Clock, NeedService } from "./needs.ts";
import {
  NEED_STATUSES,
  OPEN_NEED_STATUSES,
  SUSTAINABILITY_AREAS,
  type Health,
  type Need,
  type NeedEvent,
  type NeedStatus,
  type Person,
  type SustainabilityArea,
} from "./types.ts";

/** Decided needs stay in the portfolio this long after their last change. */
export const RECENTLY_DECIDED_DAYS = 90;
export const PAGE_SIZE = 25;
/** Shareable lessons a page shows, newest first. */
export const LESSONS_SHOWN = 20;
/**
 * Free-text search looks at this many of the best hits, then filters them in
 * the database (their ids are bound parameters: Prisma's SQLite driver takes
 * at most 999 in one query).
 */
const SEARCH_HITS = 500;
const DECIDED_STATUSES: NeedStatus[] = ["done", "declined", "duplicate"];
const DAY = 86_400_000;
const SIMILAR_CACHE_MS = 10 * 60_000;
const SIMILAR_CACHE_SIZE = 5_000;
/**
 * A list's count is reused this long: counting 50,000 open and recently decided
 * needs costs more than reading the page, and a total a few seconds old is fine.
 */
const TOTAL_CACHE_MS = 10_000;
const TOTAL_CACHE_SIZE = 1_000;

export interface PortfolioFilters {
  departmentId?: number;
  area?: SustainabilityArea;
  status?: NeedStatus;
  workPackageId?: number;
  q?: string;
  page: number;
}

/** Events the reporter causes themselves; shown without a name unless they chose to show it. */
const REPORTER_EVENTS = new Set(["created", "edited", "withdrawn", "answered"]);

/**
 * A need's history as the portfolio shows it: decisions with the deciding
 * person's name, the reporter's own steps without it (unless shown), and no
 * supporters' names (the count says enough).
 */
export function publicHistory(need: Pick<Need, "reporterId" | "showReporterName">, events: NeedEvent[]): NeedEvent[] {
  return events
    .filter((e) => e.kind !== "supported")
    .map((e) => {
      const byReporter = REPORTER_EVENTS.has(e.kind) || e.actorId === need.reporterId;
      return byReporter && !need.showReporterName ? { ...e, actorId: null, actorName: null } : e;
    });
}

/** How many items each list of the overview shows. */
export const OVERVIEW_ITEMS = 5;

export interface OrganisationOverview {
  byDepartment: { name: string; nameEn: string | null; count: number }[];
  newestAccepted: PortfolioRow[];
  grid: { code: string; name: string; now: Health | null }[];
}

export interface PortfolioNeed {
  need: Need;
  /** The reporter's name, only when they chose to show it. */
  reporterName: string | null;
  history: NeedEvent[];
  supportedByMe: boolean;
  isReporter: boolean;
  /** Null while the similar-needs index is first built after a start. */
  similar: PortfolioRow[] | null;
  workPackageName: string | null;
  initiativeTitle: string | null;
  /** Methods attached to it (at acceptance), the active ones. */
  methods: Method[];
  /** Shareable lessons about the need and its initiative, without who wrote them. */
  lessons: SharedLesson[];
}

export interface WorkLine {
  code: string;
  name: string;
  lead: string | null;
  now: Health | null;
  trend: Trend;
  lastUpdateAt: Date | null;
  workPackageCode?: string | null;
  stage?: string;
}

/** An id filter of the query string: absent, or an id (`parseId`); anything else is an error. */
function filterId(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const id = parseId(value);
  if (id === null) throw new DomainError("invalid_input", `not an id: ${value}`);
  return id;
}

/** Filters from a query string; an unknown value is an error, not silently "all". */
export function parseFilters(query: Record<string, unknown>): PortfolioFilters {
  const str = (key: string) => (typeof query[key] === "string" ? (query[key] as string).trim() : undefined);
  const area = str("area") || undefined;
  if (area && !SUSTAINABILITY_AREAS.includes(area as SustainabilityArea)) throw new DomainError("invalid_input", `area ${area}`);
  const status = str("status") || undefined;
  if (status && !NEED_STATUSES.includes(status as NeedStatus)) throw new DomainError("invalid_input", `status ${status}`);
  const q = str("q")?.slice(0, 200) || undefined;
  const page = filterId(str("page")) ?? 1;
  return {
    departmentId: filterId(str("department")),
    area: area as SustainabilityArea | undefined,
    status: status as NeedStatus | undefined,
    workPackageId: filterId(str("wp")),
    q,
    page,
  };
}

export function createPortfolioService(deps: { store: Store; needs: NeedService; digests: DigestService; clock: Clock; calendar: Calendar; zone: string }) {
  const { store, needs, digests, clock, calendar, zone } = deps;

  /**
   * The one place the portfolio asks the similar-needs analysis (src/domain/similarity.ts);
   * null while its index is first built after a start, so pages answer meanwhile.
   */
  function search(text: string, limit: number, excludeId?: number): Promise<number[] | null> {
    return needs.similarToIfReady(text, limit, excludeId);
  }

  // A need's similar needs change rarely but cost a search over every open need:
  // kept per need (and its version) for a while, so a popular page is cheap.
  const similarCache = new Map<string, { at: number; ids: number[] }>();
  async function similarTo(need: Need): Promise<number[] | null> {
    const key = `${need.id}:${need.version}`;
    const hit = similarCache.get(key);
    if (hit && clock().getTime() - hit.at < SIMILAR_CACHE_MS) return hit.ids;
    const ids = await search(`${need.title}\n${need.problem}`, 5, need.id);
    if (!ids) return null;
    if (similarCache.size >= SIMILAR_CACHE_SIZE) similarCache.clear();
    similarCache.set(key, { at: clock().getTime(), ids });
    return ids;
  }

  const totals = new Map<string, { at: number; total: number }>();
  async function countOf(query: Omit<PortfolioQuery, "skip" | "take">): Promise<number> {
    // A search's count is over its hits (at most SEARCH_HITS ids): cheap, and different for every text.
    if (query.ids) return store.portfolio.count(query);
    const key = JSON.stringify([query.departmentId, query.area, query.status, query.workPackageId]);
    const hit = totals.get(key);
    if (hit && clock().getTime() - hit.at < TOTAL_CACHE_MS) return hit.total;
    const count = await store.portfolio.count(query);
    if (totals.size >= TOTAL_CACHE_SIZE) totals.clear();
    totals.set(key, { at: clock().getTime(), total: count });
    return count;
  }

  async function rowsByIds(ids: number[]): Promise<PortfolioRow[]> {
    if (ids.length === 0) return [];
    const rows = await store.portfolio.rows({ ...scope(), ids, skip: 0, take: ids.length });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)).filter((r): r is PortfolioRow => r !== undefined);
  }

  function scope() {
    return { open: OPEN_NEED_STATUSES, decided: DECIDED_STATUSES, decidedSince: new Date(clock().getTime() - RECENTLY_DECIDED_DAYS * DAY) };
  }

  return {
    /** A page of needs; `searchPending` when a free-text search must wait for the index (just after a start). */
    async list(filters: PortfolioFilters): Promise<{ rows: PortfolioRow[]; total: number; pages: number; searchPending?: boolean }> {
      const ids = filters.q ? await search(filters.q, SEARCH_HITS) : undefined;
      if (ids === null) return { rows: [], total: 0, pages: 0, searchPending: true };
      if (ids && ids.length === 0) return { rows: [], total: 0, pages: 0 };
      const { page, q: _q, ...where } = filters;
      const query = { ...scope(), ...where, ids };
      const [rows, total] = await Promise.all([store.portfolio.rows({ ...query, skip: (page - 1) * PAGE_SIZE, take: PAGE_SIZE }), countOf(query)]);
      return { rows, total, pages: Math.ceil(total / PAGE_SIZE) };
    },

    async need(person: Person, reference: string): Promise<PortfolioNeed> {
      const need = await store.needs.byReference(reference);
      // Withdrawn needs left the portfolio with their reporter's choice.
      if (!need || need.status === "withdrawn") throw new DomainError("not_found", `need ${reference}`);
      const [events, supportedByMe, similarIds, wp, initiative, methods, lessons] = await Promise.all([
        store.needs.events(need.id),
        store.portfolio.supports(need.id, person.id),
        similarTo(need),
        need.workPackageId ? store.workPackages.byId(need.workPackageId) : null,
        need.initiativeId ? store.initiatives.byId(need.initiativeId) : null,
        store.methods.ofNeed(need.id),
        store.lessons.shared({ needId: need.id, initiativeId: need.initiativeId }, LESSONS_SHOWN),
      ]);
      return {
        need,
        reporterName: need.showReporterName ? need.reporterName : null,
        history: publicHistory(need, events),
        supportedByMe,
        isReporter: need.reporterId === person.id,
        similar: similarIds && (await rowsByIds(similarIds)),
        workPackageName: wp?.name ?? null,
        initiativeTitle: initiative?.title ?? null,
        methods: methods.filter((m) => m.active),
        lessons,
      };
    },

    /** +1 from the portfolio: the same rule as in chat. */
    async support(person: Person, reference: string) {
      const need = await store.needs.byReference(reference);
      if (!need) throw new DomainError("not_found", `need ${reference}`);
      return needs.support(person, need.id);
    },

    /** The reporter shows or hides their name, at any time. */
    async setShowName(person: Person, reference: string, show: boolean): Promise<void> {
      const need = await store.needs.byReference(reference);
      if (!need) throw new DomainError("not_found", `need ${reference}`);
      if (need.reporterId !== person.id) throw new DomainError("forbidden", `${reference} is not reported by person ${person.id}`);
      await store.portfolio.setShowReporterName(need.id, show);
    },

    /** Work packages and initiatives with lead, latest health, trend and last update; the initiatives' shareable lessons. */
    async work(): Promise<{ workPackages: WorkLine[]; initiatives: WorkLine[]; lessons: SharedLesson[] }> {
      const [{ workPackages, initiatives }, health, lessons] = await Promise.all([
        store.portfolio.workAndInitiatives(),
        store.digests.workPackageHealth(clock()),
        store.lessons.shared("initiatives", LESSONS_SHOWN),
      ]);
      const healthByCode = new Map(health.map((h) => [h.code, h.updates]));
      const initHealth = await store.portfolio.initiativeHealth(initiatives.map((i) => i.id));
      const line = (updates: { health: string; at: Date }[]) => {
        const [latest, previous] = updates as { health: Health; at: Date }[];
        return { now: latest?.health ?? null, trend: trend(latest?.health ?? null, previous?.health ?? null), lastUpdateAt: latest?.at ?? null };
      };
      return {
        workPackages: workPackages.map((wp) => ({ code: wp.code, name: wp.name, lead: wp.lead?.displayName ?? null, ...line(healthByCode.get(wp.code) ?? []) })),
        initiatives: initiatives.map((i) => ({
          code: i.code,
          name: i.title,
          lead: i.owner?.displayName ?? null,
          stage: i.stage,
          workPackageCode: i.workPackage?.code ?? null,
          ...line(initHealth.get(i.id) ?? []),
        })),
        lessons,
      };
    },

    /** The organisation in brief (Slack's Home tab): open needs by department, the newest accepted needs, the work-package grid. */
    async overview(): Promise<OrganisationOverview> {
      const [byDepartment, departments, accepted, health] = await Promise.all([
        store.needs.openCountByDepartment(OPEN_NEED_STATUSES),
        store.departments.active(),
        store.portfolio.rows({ open: ["accepted"], decided: [], decidedSince: clock(), skip: 0, take: OVERVIEW_ITEMS }),
        store.digests.workPackageHealth(clock()),
      ]);
      const dept = new Map(departments.map((d) => [d.id, d]));
      return {
        byDepartment: byDepartment
          .map((r) => ({ name: (r.departmentId !== null && dept.get(r.departmentId)?.name) || "–", nameEn: (r.departmentId !== null && dept.get(r.departmentId)?.nameEn) || null, count: r.count }))
          .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
        newestAccepted: accepted,
        grid: health.map((wp) => ({ code: wp.code, name: wp.name, now: wp.updates[0]?.health ?? null })),
      };
    },

    /** Key figures now (as the digest computes them) and month by month. */
    async keyFigures(): Promise<KeyFigures> {
      const now = clock();
      const [data, series] = await Promise.all([
        digests.build({ from: new Date(now.getTime() - RECENTLY_DECIDED_DAYS * DAY), to: now, key: `portfolio:${now.toISOString()}` }),
        monthSeries(store, calendar, zone, now),
      ]);
      return { now: data.figures, series };
    },
  };
}
export type PortfolioService = ReturnType<typeof createPortfolioService>;
