// The portfolio's list of needs: open ones and those decided recently, filtered
// and paged in the database (100,000 needs must answer within 300 ms).
import { SUSTAINABILITY_AREAS, type NeedStatus, type SustainabilityArea } from "../domain/types.ts";
import type { Tx } from "./client.ts";

export interface PortfolioQuery {
  /** Open statuses, always listed. */
  open: NeedStatus[];
  /** Decided statuses, listed when changed at or after `decidedSince`. */
  decided: NeedStatus[];
  decidedSince: Date;
  departmentId?: number;
  area?: SustainabilityArea;
  status?: NeedStatus;
  workPackageId?: number;
  /** Only these ids (a free-text search's hits), in any order. */
  ids?: number[];
  skip: number;
  take: number;
}

export interface PortfolioRow {
  id: number;
  reference: string;
  title: string;
  status: NeedStatus;
  departmentId: number | null;
  departmentName: string | null;
  workPackageCode: string | null;
  initiativeCode: string | null;
  sustainability: SustainabilityArea[];
  supporterCount: number;
  createdAt: Date;
}

/**
 * Every stored value (areas comma-separated, in the order chosen) that holds
 * `area`: an exact `in`, because LIKE differs in case between SQLite and PostgreSQL.
 */
export function storedWith(area: SustainabilityArea): string[] {
  const others = SUSTAINABILITY_AREAS.filter((a) => a !== area);
  const subsets: SustainabilityArea[][] = [[area], ...others.map((o) => [area, o]), [area, ...others]];
  const permutations = (items: SustainabilityArea[]): SustainabilityArea[][] =>
    items.length <= 1 ? [items] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
  return subsets.flatMap(permutations).map((p) => p.join(","));
}

export function createPortfolioRepository(db: Tx) {
  function where(q: Omit<PortfolioQuery, "skip" | "take">) {
    return {
      AND: [
        { OR: [{ status: { in: q.open } }, { status: { in: q.decided }, updatedAt: { gte: q.decidedSince } }] },
        ...(q.status ? [{ status: q.status }] : []),
        ...(q.departmentId !== undefined ? [{ departmentId: q.departmentId }] : []),
        ...(q.area ? [{ sustainability: { in: storedWith(q.area) } }] : []),
        ...(q.workPackageId !== undefined ? [{ workPackageId: q.workPackageId }] : []),
        ...(q.ids ? [{ id: { in: q.ids } }] : []),
      ],
    };
  }

  return {
    /** One page of the list, newest first. */
    async rows(q: PortfolioQuery): Promise<PortfolioRow[]> {
      const rows = await db.need.findMany({
        where: where(q),
        select: {
          id: true,
          reference: true,
          title: true,
          status: true,
          departmentId: true,
          sustainability: true,
          createdAt: true,
          department: { select: { name: true } },
          workPackage: { select: { code: true } },
          initiative: { select: { code: true } },
        },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        skip: q.skip,
        take: q.take,
      });
      // Counted for this page's needs only: Prisma's `_count` joins a count of every need's supporters.
      const counts = await db.needSupporter.groupBy({ by: ["needId"], where: { needId: { in: rows.map((r) => r.id) } }, _count: { _all: true } });
      const supporters = new Map(counts.map((c) => [c.needId, c._count._all]));
      return rows.map((r) => ({
        id: r.id,
        reference: r.reference,
        title: r.title,
        status: r.status as NeedStatus,
        departmentId: r.departmentId,
        departmentName: r.department?.name ?? null,
        workPackageCode: r.workPackage?.code ?? null,
        initiativeCode: r.initiative?.code ?? null,
        sustainability: r.sustainability ? (r.sustainability.split(",") as SustainabilityArea[]) : [],
        supporterCount: supporters.get(r.id) ?? 0,
        createdAt: r.createdAt,
      }));
    },

    /** How many needs the list holds (the index on status and updatedAt answers it without reading rows). */
    async count(q: Omit<PortfolioQuery, "skip" | "take">): Promise<number> {
      return db.need.count({ where: where(q) });
    },

    /** Whether `personId` supports the need (the +1 button shows it). */
    async supports(needId: number, personId: number): Promise<boolean> {
      return (await db.needSupporter.count({ where: { needId, personId } })) > 0;
    },

    async setShowReporterName(needId: number, show: boolean): Promise<void> {
      await db.need.update({ where: { id: needId }, data: { showReporterName: show } });
    },

    /** Active work packages and initiatives with their lead's name (people chose nothing here: leads are public roles). */
    async workAndInitiatives() {
      const [wps, inits] = await Promise.all([
        db.workPackage.findMany({
          where: { active: true },
          select: { id: true, code: true, name: true, description: true, lead: { select: { displayName: true } } },
          orderBy: { code: "asc" },
        }),
        db.initiative.findMany({
          where: { active: true },
          select: { id: true, code: true, title: true, stage: true, owner: { select: { displayName: true } }, workPackage: { select: { code: true } } },
          orderBy: { code: "asc" },
        }),
      ]);
      return { workPackages: wps, initiatives: inits };
    },

    /** Needs reported in [from, to) per status, counted in the database. */
    async statusCountsBetween(from: Date, to: Date): Promise<{ status: NeedStatus; count: number }[]> {
      const rows = await db.need.groupBy({ by: ["status"], where: { createdAt: { gte: from, lt: to } }, _count: { _all: true } });
      return rows.map((r) => ({ status: r.status as NeedStatus, count: r._count._all }));
    },

    /** When the latest (at most `sample`) needs triaged in [from, to) were reported and triaged. */
    async triagedBetween(from: Date, to: Date, sample: number): Promise<{ createdAt: Date; triagedAt: Date }[]> {
      const rows = await db.need.findMany({
        where: { triagedAt: { gte: from, lt: to } },
        select: { createdAt: true, triagedAt: true },
        orderBy: { triagedAt: "desc" },
        take: sample,
      });
      return rows.map((r) => ({ createdAt: r.createdAt, triagedAt: r.triagedAt! }));
    },

    /** Status requests due in [from, to), and how many were answered by their due date. */
    async pingsOnTime(from: Date, to: Date): Promise<{ asked: number; onTime: number }> {
      const where = { dueAt: { gte: from, lt: to } };
      const [asked, onTime] = await Promise.all([
        db.statusRequest.count({ where }),
        db.statusRequest.count({ where: { ...where, update: { is: { late: false } } } }),
      ]);
      return { asked, onTime };
    },

    /** The two latest answered status updates of each initiative (health now and before). */
    async initiativeHealth(initiativeIds: number[]): Promise<Map<number, { health: string; at: Date }[]>> {
      const rows = await db.statusRequest.findMany({
        where: { initiativeId: { in: initiativeIds }, update: { isNot: null } },
        orderBy: [{ askedAt: "desc" }, { id: "desc" }],
        select: { initiativeId: true, update: { select: { health: true, createdAt: true } } },
      });
      const out = new Map<number, { health: string; at: Date }[]>();
      for (const r of rows) {
        const list = out.get(r.initiativeId!) ?? [];
        if (list.length < 2) list.push({ health: r.update!.health, at: r.update!.createdAt });
        out.set(r.initiativeId!, list);
      }
      return out;
    },
  };
}
export type PortfolioRepository = ReturnType<typeof createPortfolioRepository>;
