// Needs, their supporters and history. References are allocated here, in the
// same transaction as the insert, from a per-year counter row.
import { DomainError } from "../domain/errors.ts";
import type { Need, NeedDraft, NeedEvent, NeedStatus, SustainabilityArea, Urgency } from "../domain/types.ts";
import type { Tx } from "./client.ts";

const needInclude = {
  reporter: { select: { displayName: true } },
  department: { select: { name: true } },
  workPackage: { select: { code: true } },
  _count: { select: { supporters: true } },
} as const;

type NeedRow = {
  id: number;
  reference: string;
  title: string;
  problem: string;
  affected: string;
  benefit: string;
  sustainability: string;
  urgency: string;
  departmentId: number | null;
  reporterId: number;
  status: string;
  duplicateOfId: number | null;
  workPackageId: number | null;
  initiativeId: number | null;
  outcome: string | null;
  sourceUrl: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  reporter: { displayName: string };
  department: { name: string } | null;
  workPackage: { code: string } | null;
  _count: { supporters: number };
};

function toNeed(row: NeedRow): Need {
  return {
    id: row.id,
    reference: row.reference,
    title: row.title,
    problem: row.problem,
    affected: row.affected,
    benefit: row.benefit,
    sustainability: row.sustainability ? (row.sustainability.split(",") as SustainabilityArea[]) : [],
    urgency: row.urgency as Urgency,
    departmentId: row.departmentId,
    departmentName: row.department?.name ?? null,
    reporterId: row.reporterId,
    reporterName: row.reporter.displayName,
    status: row.status as NeedStatus,
    duplicateOfId: row.duplicateOfId,
    workPackageId: row.workPackageId,
    workPackageCode: row.workPackage?.code ?? null,
    initiativeId: row.initiativeId,
    outcome: row.outcome,
    sourceUrl: row.sourceUrl,
    version: row.version,
    supporterCount: row._count.supporters,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function formatReference(year: number, seq: number): string {
  return `N-${year}-${String(seq).padStart(4, "0")}`;
}

export interface NeedEventInput {
  actorId: number | null;
  kind: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  note?: string | null;
}

export interface NeedPatch {
  title?: string;
  problem?: string;
  affected?: string;
  benefit?: string;
  sustainability?: SustainabilityArea[];
  urgency?: Urgency;
  departmentId?: number | null;
  status?: NeedStatus;
  duplicateOfId?: number | null;
  workPackageId?: number | null;
  initiativeId?: number | null;
  outcome?: string | null;
  awaitingReply?: boolean;
  triagedAt?: Date | null;
}

export function createNeedsRepository(db: Tx) {
  async function nextReference(year: number): Promise<string> {
    // One row per year; the UPDATE takes the row lock (PostgreSQL) or the write
    // lock (SQLite), so concurrent submissions get distinct numbers.
    await db.$executeRaw`INSERT INTO "ReferenceCounter" ("year", "last") VALUES (${year}, 0) ON CONFLICT DO NOTHING`;
    const rows = await db.$queryRaw<{ last: number | bigint }[]>`UPDATE "ReferenceCounter" SET "last" = "last" + 1 WHERE "year" = ${year} RETURNING "last"`;
    return formatReference(year, Number(rows[0].last));
  }

  // Sustainability areas are stored as one comma-separated column.
  function draftData<T extends { sustainability?: SustainabilityArea[] }>(draft: T) {
    const { sustainability, ...rest } = draft;
    return { ...rest, ...(sustainability ? { sustainability: sustainability.join(",") } : {}) };
  }

  return {
    async create(input: {
      reporterId: number;
      draft: NeedDraft;
      year: number;
      sourceUrl?: string | null;
      status?: NeedStatus;
      createdAt?: Date;
    }): Promise<Need> {
      const reference = await nextReference(input.year);
      const row = await db.need.create({
        data: {
          ...draftData(input.draft),
          reference,
          reporterId: input.reporterId,
          sourceUrl: input.sourceUrl ?? null,
          status: input.status ?? "submitted",
          ...(input.createdAt ? { createdAt: input.createdAt } : {}),
          events: {
            create: {
              actorId: input.reporterId,
              kind: "created",
              toStatus: input.status ?? "submitted",
              ...(input.createdAt ? { createdAt: input.createdAt } : {}),
            },
          },
        },
        include: needInclude,
      });
      return toNeed(row);
    },

    async byId(id: number): Promise<Need | null> {
      const row = await db.need.findUnique({ where: { id }, include: needInclude });
      return row ? toNeed(row) : null;
    },

    async byReference(reference: string): Promise<Need | null> {
      const row = await db.need.findUnique({ where: { reference }, include: needInclude });
      return row ? toNeed(row) : null;
    },

    async reportedBy(personId: number): Promise<Need[]> {
      const rows = await db.need.findMany({ where: { reporterId: personId }, include: needInclude, orderBy: { id: "desc" } });
      return rows.map(toNeed);
    },

    async supportedBy(personId: number): Promise<Need[]> {
      const rows = await db.need.findMany({
        where: { supporters: { some: { personId } } },
        include: needInclude,
        orderBy: { id: "desc" },
      });
      return rows.map(toNeed);
    },

    async withStatus(statuses: NeedStatus[], options: { take?: number } = {}): Promise<Need[]> {
      const rows = await db.need.findMany({
        where: { status: { in: statuses } },
        include: needInclude,
        orderBy: { createdAt: "asc" },
        take: options.take,
      });
      return rows.map(toNeed);
    },

    /** The text of open needs, for similarity search. */
    async searchable(statuses: NeedStatus[]): Promise<{ id: number; reference: string; title: string; problem: string; status: NeedStatus }[]> {
      const rows = await db.need.findMany({
        where: { status: { in: statuses } },
        select: { id: true, reference: true, title: true, problem: true, status: true },
      });
      return rows.map((r) => ({ ...r, status: r.status as NeedStatus }));
    },

    /**
     * Applies a change only if nobody changed the need since `expectedVersion`
     * was read (optimistic check), and records it in the history.
     */
    async update(id: number, expectedVersion: number, patch: NeedPatch, event: NeedEventInput): Promise<Need> {
      const { count } = await db.need.updateMany({
        where: { id, version: expectedVersion },
        data: { ...draftData(patch), version: { increment: 1 } },
      });
      if (count === 0) throw new DomainError("conflict", `Need ${id} changed since version ${expectedVersion}`);
      await db.needEvent.create({ data: { needId: id, ...event } });
      const row = await db.need.findUniqueOrThrow({ where: { id }, include: needInclude });
      return toNeed(row);
    },

    async addEvent(needId: number, event: NeedEventInput): Promise<void> {
      await db.needEvent.create({ data: { needId, ...event } });
    },

    async events(needId: number): Promise<NeedEvent[]> {
      const rows = await db.needEvent.findMany({
        where: { needId },
        include: { actor: { select: { displayName: true } } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        actorName: r.actor?.displayName ?? null,
        fromStatus: r.fromStatus,
        toStatus: r.toStatus,
        note: r.note,
        createdAt: r.createdAt,
      }));
    },

    /** Adds a supporter; false when the person already supports the need (also when a double click races). */
    async addSupporter(needId: number, personId: number): Promise<boolean> {
      // ON CONFLICT: a caught unique violation would abort a PostgreSQL transaction.
      const inserted = await db.$executeRaw`INSERT INTO "NeedSupporter" ("needId", "personId", "createdAt") VALUES (${needId}, ${personId}, ${new Date()}) ON CONFLICT DO NOTHING`;
      return inserted === 1;
    },

    async supporterIds(needId: number): Promise<number[]> {
      const rows = await db.needSupporter.findMany({ where: { needId }, select: { personId: true } });
      return rows.map((r) => r.personId);
    },
  };
}
export type NeedsRepository = ReturnType<typeof createNeedsRepository>;
