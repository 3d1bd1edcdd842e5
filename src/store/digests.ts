// Digests sent (one per recipient, kind and period) and the aggregate queries
// a digest is built from. Counts and groupings run in the database; only the
// top items of each list are loaded as rows.
import type { Health } from "../domain/types.ts";
import type { Tx } from "./client.ts";

export interface WorkPackageHealthRow {
  workPackageId: number;
  code: string;
  name: string;
  /** Latest answered updates, newest first (at most two). */
  updates: { health: Health; at: Date }[];
}

export interface OverdueRequestRow {
  /** The work package or initiative asked, as shown ("WP4 Strategisk kommunikation"). */
  label: string;
  recipientName: string | null;
  dueAt: Date;
}

export interface StaleInitiativeRow {
  code: string;
  title: string;
  lastUpdateAt: Date | null;
}

/** How far back one query looks for the two latest updates of every work package. */
const RECENT_HEALTH_MS = 120 * 86_400_000;

export function createDigestsRepository(db: Tx) {
  return {
    /**
     * Records that `recipientKey` got the digest of `periodKey`; false when it
     * already has. A replica racing past the check fails on the unique key
     * (see isUniqueViolation), which rolls back its transaction.
     */
    async record(entry: { recipientKey: string; kind: string; periodKey: string; content: unknown }): Promise<boolean> {
      const { recipientKey, kind, periodKey } = entry;
      const existing = await db.digest.findUnique({ where: { recipientKey_kind_periodKey: { recipientKey, kind, periodKey } }, select: { id: true } });
      if (existing) return false;
      await db.digest.create({ data: { recipientKey, kind, periodKey, content: JSON.stringify(entry.content) } });
      return true;
    },

    async lastSentAt(recipientKey: string, kind: string): Promise<Date | null> {
      const row = await db.digest.findFirst({ where: { recipientKey, kind }, orderBy: { createdAt: "desc" }, select: { createdAt: true } });
      return row?.createdAt ?? null;
    },

    async count(kind: string): Promise<number> {
      return db.digest.count({ where: { kind } });
    },

    /** Each active work package with its two latest status updates (health now and the period before), as of `now` (the caller's clock, so `--at` is honoured). */
    async workPackageHealth(now: Date): Promise<WorkPackageHealthRow[]> {
      const wps = await db.workPackage.findMany({ where: { active: true }, select: { id: true, code: true, name: true }, orderBy: { code: "asc" } });
      // One query for the recent answers of all work packages (with weekly pings
      // every one has two); only those with fewer look further back, one by one.
      // A query per work package cost ~2.5 ms each: 0.5 s with 200 (docs/PERFORMANCE.md).
      const select = { workPackageId: true, update: { select: { health: true, createdAt: true } } } as const;
      const recent = await db.statusRequest.findMany({
        where: { workPackageId: { in: wps.map((w) => w.id) }, update: { isNot: null }, askedAt: { gte: new Date(now.getTime() - RECENT_HEALTH_MS) } },
        orderBy: [{ askedAt: "desc" }, { id: "desc" }],
        select,
      });
      const byWp = new Map<number, typeof recent>();
      for (const r of recent) {
        const list = byWp.get(r.workPackageId!) ?? [];
        if (list.length < 2) list.push(r);
        byWp.set(r.workPackageId!, list);
      }
      return Promise.all(
        wps.map(async (wp) => {
          let requests = byWp.get(wp.id) ?? [];
          if (requests.length < 2) {
            requests = await db.statusRequest.findMany({
              where: { workPackageId: wp.id, update: { isNot: null } },
              orderBy: [{ askedAt: "desc" }, { id: "desc" }],
              take: 2,
              select,
            });
          }
          return {
            workPackageId: wp.id,
            code: wp.code,
            name: wp.name,
            updates: requests.map((r) => ({ health: r.update!.health as Health, at: r.update!.createdAt })),
          };
        }),
      );
    },

    /** Status requests unanswered past their due time, most overdue first. */
    async overdueRequests(now: Date, take: number): Promise<{ items: OverdueRequestRow[]; total: number }> {
      const where = { answeredAt: null, closedAt: null, dueAt: { lt: now } };
      const [rows, total] = await Promise.all([
        db.statusRequest.findMany({
          where,
          orderBy: { dueAt: "asc" },
          take,
          select: {
            dueAt: true,
            recipientId: true,
            workPackage: { select: { code: true, name: true, lead: { select: { displayName: true } } } },
            initiative: { select: { code: true, title: true, owner: { select: { displayName: true } } } },
          },
        }),
        db.statusRequest.count({ where }),
      ]);
      const recipientIds = rows.map((r) => r.recipientId).filter((id): id is number => id !== null);
      const names = new Map(
        (await db.person.findMany({ where: { id: { in: recipientIds } }, select: { id: true, displayName: true } })).map((p) => [p.id, p.displayName]),
      );
      return {
        total,
        items: rows.map((r) => ({
          label: r.workPackage ? `${r.workPackage.code} ${r.workPackage.name}` : r.initiative ? `${r.initiative.code} ${r.initiative.title}` : "?",
          recipientName:
            (r.recipientId !== null ? names.get(r.recipientId) : undefined) ?? r.workPackage?.lead?.displayName ?? r.initiative?.owner?.displayName ?? null,
          dueAt: r.dueAt,
        })),
      };
    },

    /** Active initiatives whose latest status update (or start, if none) is before `before`, longest silent first. */
    async staleInitiatives(before: Date, take: number): Promise<{ items: StaleInitiativeRow[]; total: number }> {
      const rows = await db.initiative.findMany({
        where: {
          active: true,
          createdAt: { lt: before },
          NOT: { statusRequests: { some: { update: { createdAt: { gte: before } } } } },
        },
        select: {
          code: true,
          title: true,
          statusRequests: { where: { update: { isNot: null } }, orderBy: { askedAt: "desc" }, take: 1, select: { update: { select: { createdAt: true } } } },
        },
      });
      const items = rows
        .map((r) => ({ code: r.code, title: r.title, lastUpdateAt: r.statusRequests[0]?.update?.createdAt ?? null }))
        .sort((a, b) => (a.lastUpdateAt?.getTime() ?? 0) - (b.lastUpdateAt?.getTime() ?? 0));
      return { items: items.slice(0, take), total: items.length };
    },

    /** Status requests due in [from, to) and how many of them were answered. */
    async pingCounts(from: Date, to: Date): Promise<{ asked: number; answered: number }> {
      const where = { dueAt: { gte: from, lt: to } };
      const [asked, answered] = await Promise.all([
        db.statusRequest.count({ where }),
        db.statusRequest.count({ where: { ...where, answeredAt: { not: null } } }),
      ]);
      return { asked, answered };
    },
  };
}
export type DigestsRepository = ReturnType<typeof createDigestsRepository>;
