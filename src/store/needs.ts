// Needs, their supporters and history. References are allocated here, in the
// same transaction as the insert, from a per-year counter row.
import { createHash } from "node:crypto";
import { DomainError, RepeatedSubmissionError } from "../domain/errors.ts";
import type { Need, NeedDraft, NeedEvent, NeedLine, NeedStatus, QueuedNeed, SustainabilityArea, Urgency } from "../domain/types.ts";
import { isUniqueViolationOn, type Tx } from "./client.ts";

const needInclude = {
  reporter: { select: { displayName: true } },
  department: { select: { name: true } },
  workPackage: { select: { code: true } },
  initiative: { select: { code: true } },
  _count: { select: { supporters: true } },
} as const;
const { _count: _supporterCount, ...needIncludeUncounted } = needInclude;

// Lists read only what their lines show: each included relation costs Prisma
// a statement of its own (relationJoins, one statement with joins, is a preview
// feature for PostgreSQL and MySQL only), the supporter count does not.
const lineSelect = { id: true, reference: true, title: true, status: true, createdAt: true, _count: { select: { supporters: true } } } as const;
const queuedSelect = { ...lineSelect, department: { select: { name: true } } } as const;

type LineRow = { id: number; reference: string; title: string; status: string; createdAt: Date; _count: { supporters: number } };

function toLine(row: LineRow): NeedLine {
  return { id: row.id, reference: row.reference, title: row.title, status: row.status as NeedStatus, createdAt: row.createdAt, supporterCount: row._count.supporters };
}

function toQueued(row: LineRow & { department: { name: string } | null }): QueuedNeed {
  return { ...toLine(row), departmentName: row.department?.name ?? null };
}

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
  showReporterName: boolean;
  version: number;
  awaitingReply: boolean;
  createdAt: Date;
  updatedAt: Date;
  reporter: { displayName: string };
  department: { name: string } | null;
  workPackage: { code: string } | null;
  initiative: { code: string } | null;
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
    initiativeCode: row.initiative?.code ?? null,
    outcome: row.outcome,
    sourceUrl: row.sourceUrl,
    showReporterName: row.showReporterName,
    version: row.version,
    awaitingReply: row.awaitingReply,
    supporterCount: row._count.supporters,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A submission key as the need keeps it: a fingerprint, since the key names chat conversations and cards. */
function fingerprint(submissionKey: string): string {
  return createHash("sha256").update(submissionKey).digest("base64url");
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
  showReporterName?: boolean;
}

export function createNeedsRepository(db: Tx) {
  async function nextReference(year: number): Promise<string> {
    // One row per year, bumped in one statement; the upsert takes the row lock
    // (PostgreSQL) or the write lock (SQLite) until commit, so concurrent
    // submissions get distinct numbers and a rolled-back one leaves no gap.
    const rows = await db.$queryRaw<{ last: number | bigint }[]>`INSERT INTO "ReferenceCounter" ("year", "last") VALUES (${year}, 1)
      ON CONFLICT ("year") DO UPDATE SET "last" = "ReferenceCounter"."last" + 1 RETURNING "last"`;
    return formatReference(year, Number(rows[0].last));
  }

  // Sustainability areas are stored as one comma-separated column.
  function draftData<T extends { sustainability?: SustainabilityArea[] }>(draft: T) {
    const { sustainability, ...rest } = draft;
    return { ...rest, ...(sustainability ? { sustainability: sustainability.join(",") } : {}) };
  }

  return {
    /**
     * Stores a need and its "created" event: three statements. `known` is what
     * the caller already holds (the reporter's name, the department's), so the
     * need is answered without reading it back; without it, it is read back.
     * `submissionKey` names the chat submission: the need's unique column, so
     * a repeat of it is refused by the insert itself (RepeatedSubmissionError;
     * the transaction then rolls back, the counter's bump with it).
     */
    async create(input: {
      reporterId: number;
      draft: NeedDraft;
      year: number;
      sourceUrl?: string | null;
      status?: NeedStatus;
      createdAt?: Date;
      known?: { reporterName: string; departmentName: string | null };
      submissionKey?: string;
    }): Promise<Need> {
      const status = input.status ?? "submitted";
      const at = input.createdAt ? { createdAt: input.createdAt } : {};
      // Numbered first: on PostgreSQL replicas submitting at once wait on the
      // counter's row lock for the two inserts that follow (under a millisecond);
      // numbering last cost two more statements (a placeholder and its update).
      const reference = await nextReference(input.year);
      const { submissionKey } = input;
      const row = await db.need
        .create({
          data: {
            ...draftData(input.draft),
            reference,
            reporterId: input.reporterId,
            sourceUrl: input.sourceUrl ?? null,
            status,
            submissionKey: submissionKey === undefined ? null : fingerprint(submissionKey),
            ...at,
          },
        })
        .catch((err: unknown) => {
          // Not retried (Store.transaction retries P2002): the same key fails again.
          throw submissionKey !== undefined && isUniqueViolationOn(err, "submissionKey") ? new RepeatedSubmissionError(submissionKey) : err;
        });
      await db.needEvent.create({ data: { needId: row.id, actorId: input.reporterId, kind: "created", toStatus: status, ...at }, select: { id: true } });
      if (!input.known) return toNeed(await db.need.findUniqueOrThrow({ where: { id: row.id }, include: needInclude }));
      return toNeed({
        ...row,
        reporter: { displayName: input.known.reporterName },
        department: input.known.departmentName === null ? null : { name: input.known.departmentName },
        workPackage: null,
        initiative: null,
        _count: { supporters: 0 },
      });
    },

    async byId(id: number): Promise<Need | null> {
      const row = await db.need.findUnique({ where: { id }, include: needInclude });
      return row ? toNeed(row) : null;
    },

    /** The need a chat submission created (see `create`). */
    async bySubmissionKey(submissionKey: string): Promise<Need | null> {
      const row = await db.need.findUnique({ where: { submissionKey: fingerprint(submissionKey) }, include: needInclude });
      return row ? toNeed(row) : null;
    },

    /**
     * The portfolio's need page reads needs by reference: its supporters are counted
     * apart, as Prisma's `_count` joins a count of every need's supporters (a GROUP BY
     * over the whole table, ~20 ms at 100,000 supporters; docs/PERFORMANCE.md).
     */
    async byReference(reference: string): Promise<Need | null> {
      const row = await db.need.findUnique({ where: { reference }, include: needIncludeUncounted });
      if (!row) return null;
      const supporters = await db.needSupporter.count({ where: { needId: row.id } });
      return toNeed({ ...row, _count: { supporters } });
    },

    async reportedBy(personId: number): Promise<Need[]> {
      const rows = await db.need.findMany({ where: { reporterId: personId }, include: needInclude, orderBy: { id: "desc" } });
      return rows.map(toNeed);
    },

    /** A person's needs as "my needs" lists them, newest first: reported and supported, a statement each. */
    async linesOf(personId: number): Promise<{ reported: NeedLine[]; supported: NeedLine[] }> {
      const [reported, supported] = await Promise.all([
        db.need.findMany({ where: { reporterId: personId }, select: lineSelect, orderBy: { id: "desc" } }),
        db.need.findMany({ where: { supporters: { some: { personId } } }, select: lineSelect, orderBy: { id: "desc" } }),
      ]);
      return { reported: reported.map(toLine), supported: supported.map(toLine) };
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

    /** Ids of the newest needs with one of `statuses`. */
    async newestIds(statuses: NeedStatus[], take: number): Promise<number[]> {
      const rows = await db.need.findMany({ where: { status: { in: statuses } }, select: { id: true }, orderBy: { id: "desc" }, take });
      return rows.map((r) => r.id);
    },

    async countWithStatus(statuses: NeedStatus[]): Promise<number> {
      return db.need.count({ where: { status: { in: statuses } } });
    },

    /**
     * Needs changed at or after `since` (all when null), only those in `statuses`
     * when given, with their text, for keeping the similarity index in step.
     * Ordered by change time.
     */
    async changedSince(
      since: Date | null,
      statuses?: NeedStatus[],
    ): Promise<{ id: number; reference: string; title: string; problem: string; status: NeedStatus; updatedAt: Date }[]> {
      const rows = await db.need.findMany({
        where: { ...(since ? { updatedAt: { gte: since } } : {}), ...(statuses ? { status: { in: statuses } } : {}) },
        select: { id: true, reference: true, title: true, problem: true, status: true, updatedAt: true },
        orderBy: { updatedAt: "asc" },
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
        actorId: r.actorId,
        actorName: r.actor?.displayName ?? null,
        fromStatus: r.fromStatus,
        toStatus: r.toStatus,
        note: r.note,
        createdAt: r.createdAt,
      }));
    },

    /** All needs in id order, a page at a time (for exports). */
    async page(afterId: number, take: number): Promise<Need[]> {
      const rows = await db.need.findMany({ where: { id: { gt: afterId } }, include: needInclude, orderBy: { id: "asc" }, take });
      return rows.map(toNeed);
    },

    async count(): Promise<number> {
      return db.need.count();
    },

    /** Adds a supporter; false when the person already supports the need (also when a double click races). */
    async addSupporter(needId: number, personId: number): Promise<boolean> {
      // ON CONFLICT: a caught unique violation would abort a PostgreSQL transaction.
      const inserted = await db.$executeRaw`INSERT INTO "NeedSupporter" ("needId", "personId", "createdAt") VALUES (${needId}, ${personId}, ${new Date()}) ON CONFLICT DO NOTHING`;
      return inserted === 1;
    },

    /** The triage queue: submitted needs not waiting for the reporter's answer, oldest first; both counts in one statement. */
    async triageQueue(take: number): Promise<{ items: QueuedNeed[]; total: number; awaitingReply: number }> {
      const [rows, counts] = await Promise.all([
        db.need.findMany({ where: { status: "submitted", awaitingReply: false }, select: queuedSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take }),
        db.need.groupBy({ by: ["awaitingReply"], where: { status: "submitted" }, _count: { _all: true } }),
      ]);
      const count = (awaiting: boolean) => counts.find((c) => c.awaitingReply === awaiting)?._count._all ?? 0;
      return { items: rows.map(toQueued), total: count(false), awaitingReply: count(true) };
    },

    /** Needs in the triage queue reported before `cutoff` (past the triage target). */
    async countWaitingSince(cutoff: Date): Promise<number> {
      return db.need.count({ where: { status: "submitted", awaitingReply: false, createdAt: { lt: cutoff } } });
    },

    /** Needs reported in [from, to), newest first, and how many there are. */
    async reportedBetween(from: Date, to: Date, take: number): Promise<{ items: QueuedNeed[]; total: number }> {
      const where = { createdAt: { gte: from, lt: to } };
      const [rows, total] = await Promise.all([
        db.need.findMany({ where, select: queuedSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take }),
        db.need.count({ where }),
      ]);
      return { items: rows.map(toQueued), total };
    },

    /** How many needs were triaged since `since`, and when the latest of them were reported and triaged: two columns, not whole rows. */
    async triageTimes(since: Date, sample: number): Promise<{ total: number; latest: { createdAt: Date; triagedAt: Date }[] }> {
      // At most `sample` rows, the latest triaged: Prisma maps ~15 µs and ~4 kB per row,
      // so 25,000 rows cost 0.4 s and 100 MB (docs/PERFORMANCE.md); a median needs no more.
      const where = { triagedAt: { gte: since } };
      const [rows, total] = await Promise.all([
        db.need.findMany({ where, select: { createdAt: true, triagedAt: true }, orderBy: { triagedAt: "desc" }, take: sample }),
        db.need.count({ where }),
      ]);
      return { total, latest: rows.map((r) => ({ createdAt: r.createdAt, triagedAt: r.triagedAt! })) };
    },

    /** Open needs per department id (null: none), counted in the database. */
    async openCountByDepartment(statuses: NeedStatus[]): Promise<{ departmentId: number | null; count: number }[]> {
      const rows = await db.need.groupBy({ by: ["departmentId"], where: { status: { in: statuses } }, _count: { _all: true } });
      return rows.map((r) => ({ departmentId: r.departmentId, count: r._count._all }));
    },

    /** Open needs per stored sustainability combination ("social,economic"), counted in the database. */
    async openCountBySustainability(statuses: NeedStatus[]): Promise<{ sustainability: SustainabilityArea[]; count: number }[]> {
      const rows = await db.need.groupBy({ by: ["sustainability"], where: { status: { in: statuses } }, _count: { _all: true } });
      return rows.map((r) => ({
        sustainability: r.sustainability ? (r.sustainability.split(",") as SustainabilityArea[]) : [],
        count: r._count._all,
      }));
    },

    /**
     * Moves the given people to `toId` as supporters (a duplicate's reporter and
     * supporters), except the original's own reporter and those already there.
     */
    async moveSupporters(fromId: number, toId: number, personIds: number[]): Promise<number> {
      const target = await db.need.findUniqueOrThrow({ where: { id: toId }, select: { reporterId: true } });
      let moved = 0;
      for (const personId of new Set(personIds)) {
        if (personId === target.reporterId) continue;
        const existing = await db.needSupporter.findUnique({ where: { needId_personId: { needId: toId, personId } } });
        if (existing) continue;
        await db.needSupporter.create({ data: { needId: toId, personId } });
        moved++;
      }
      await db.needSupporter.deleteMany({ where: { needId: fromId } });
      return moved;
    },

    /** Needs marked as duplicates of `fromId` now point at `toId`, so no chain of duplicates forms. */
    async repointDuplicates(fromId: number, toId: number): Promise<void> {
      await db.need.updateMany({ where: { duplicateOfId: fromId }, data: { duplicateOfId: toId } });
    },

    /** Who recorded the latest event of `kind` on a need (e.g. who asked the open question). */
    async lastActor(needId: number, kind: string): Promise<number | null> {
      const row = await db.needEvent.findFirst({ where: { needId, kind }, orderBy: { id: "desc" }, select: { actorId: true } });
      return row?.actorId ?? null;
    },

    async supporterIds(needId: number): Promise<number[]> {
      const rows = await db.needSupporter.findMany({ where: { needId }, select: { personId: true } });
      return rows.map((r) => r.personId);
    },
  };
}
export type NeedsRepository = ReturnType<typeof createNeedsRepository>;
