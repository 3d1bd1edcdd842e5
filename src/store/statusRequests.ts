// Status requests (one per subject and period) and their answers. Writes that
// two replicas could race on are conditional, so each step happens once.
import { DomainError } from "../domain/errors.ts";
import type { PingSubject } from "../domain/statusPings.ts";
import type { Health, StatusRequest, StatusUpdate } from "../domain/types.ts";
import type { Tx } from "./client.ts";

const subjectInclude = {
  workPackage: { select: { id: true, code: true, name: true, leadId: true, deputyId: true, cadence: true, timezone: true, active: true, pingsPaused: true } },
  initiative: { select: { id: true, code: true, title: true, ownerId: true, cadence: true, active: true } },
} as const;

type WpRow = { id: number; code: string; name: string; leadId: number | null; deputyId: number | null; cadence: string; timezone: string };
type InitRow = { id: number; code: string; title: string; ownerId: number | null; cadence: string | null };

function wpSubject(wp: WpRow): PingSubject {
  return { key: `wp:${wp.id}`, kind: "wp", id: wp.id, code: wp.code, name: wp.name, leadId: wp.leadId, deputyId: wp.deputyId, cadence: wp.cadence, timezone: wp.timezone };
}

function initSubject(init: InitRow, zone: string): PingSubject {
  return { key: `init:${init.id}`, kind: "init", id: init.id, code: init.code, name: init.title, leadId: init.ownerId, deputyId: null, cadence: init.cadence, timezone: zone };
}

type RequestRow = StatusRequest & { workPackage: WpRow | null; initiative: InitRow | null };

export interface StatusRequestView extends StatusRequest {
  subject: PingSubject;
}

function toView(row: RequestRow, zone: string): StatusRequestView {
  const { workPackage, initiative, ...request } = row;
  const subject = workPackage ? wpSubject(workPackage) : initiative ? initSubject(initiative, zone) : null;
  if (!subject) throw new Error(`status request ${row.id} has no subject`);
  return { ...pick(request), subject };
}

function pick(r: StatusRequest): StatusRequest {
  return {
    id: r.id,
    subjectKey: r.subjectKey,
    periodKey: r.periodKey,
    recipientId: r.recipientId,
    askedAt: r.askedAt,
    dueAt: r.dueAt,
    remindersSent: r.remindersSent,
    lastRemindedAt: r.lastRemindedAt,
    escalatedAt: r.escalatedAt,
    answeredAt: r.answeredAt,
    closedAt: r.closedAt,
  };
}

function toUpdate(row: Omit<StatusUpdate, "health"> & { health: string }): StatusUpdate {
  return { ...row, health: row.health as Health };
}

function subjectIds(subjectKey: string): { workPackageId: number | null; initiativeId: number | null } {
  const [kind, id] = subjectKey.split(":");
  return { workPackageId: kind === "wp" ? Number(id) : null, initiativeId: kind === "init" ? Number(id) : null };
}

/** A request as the Slack Home tab lists it. */
export interface PendingStatusRequest {
  id: number;
  /** The subject as shown: "WP3 Verktyg och metoder" or the initiative's title. */
  label: string;
  dueAt: Date;
}

export function createStatusRequestsRepository(db: Tx) {
  return {
    /** Active work packages (pings not paused) and active initiatives that have a cadence. */
    async pingSubjects(defaultZone: string): Promise<PingSubject[]> {
      const [wps, inits] = await Promise.all([
        db.workPackage.findMany({ where: { active: true, pingsPaused: false }, orderBy: { code: "asc" } }),
        db.initiative.findMany({ where: { active: true, cadence: { not: null } }, orderBy: { code: "asc" } }),
      ]);
      return [...wps.map(wpSubject), ...inits.map((i) => initSubject(i, defaultZone))];
    },

    async find(subjectKey: string, periodKey: string): Promise<StatusRequest | null> {
      const row = await db.statusRequest.findUnique({ where: { subjectKey_periodKey: { subjectKey, periodKey } } });
      return row ? pick(row) : null;
    },

    async byId(id: number, defaultZone: string): Promise<StatusRequestView | null> {
      const row = await db.statusRequest.findUnique({ where: { id }, include: subjectInclude });
      return row ? toView(row, defaultZone) : null;
    },

    /** Creates the request of a period; the unique (subjectKey, periodKey) makes a racing second insert fail. */
    async create(input: { subjectKey: string; periodKey: string; recipientId: number; askedAt: Date; dueAt: Date }): Promise<StatusRequest> {
      try {
        const row = await db.statusRequest.create({ data: { ...input, ...subjectIds(input.subjectKey) } });
        return pick(row);
      } catch (err) {
        if ((err as { code?: string }).code === "P2002") throw new DomainError("conflict", `${input.subjectKey} ${input.periodKey} exists`);
        throw err;
      }
    },

    /** Closes the subject's open requests of earlier periods (a new period started). */
    async closeEarlier(subjectKey: string, currentPeriodKey: string, at: Date): Promise<number> {
      const { count } = await db.statusRequest.updateMany({
        where: { subjectKey, closedAt: null, periodKey: { not: currentPeriodKey } },
        data: { closedAt: at },
      });
      return count;
    },

    /** Open, unanswered and not yet escalated: candidates for reminders and escalation. */
    async awaitingAnswer(defaultZone: string): Promise<StatusRequestView[]> {
      const rows = await db.statusRequest.findMany({
        where: { answeredAt: null, closedAt: null, escalatedAt: null },
        include: subjectInclude,
        orderBy: { id: "asc" },
      });
      return rows.map((r) => toView(r, defaultZone));
    },

    /** Open requests this person may answer: as lead or deputy of the subject, or as the one asked. */
    async openFor(personId: number, defaultZone: string): Promise<StatusRequestView[]> {
      const rows = await db.statusRequest.findMany({
        where: {
          closedAt: null,
          OR: [
            { recipientId: personId },
            { workPackage: { OR: [{ leadId: personId }, { deputyId: personId }] } },
            { initiative: { ownerId: personId } },
          ],
        },
        include: subjectInclude,
        orderBy: { id: "asc" },
      });
      return rows.map((r) => toView(r, defaultZone));
    },

    /** Requests waiting for this person's answer: neither answered nor closed. */
    async pendingFor(personId: number): Promise<PendingStatusRequest[]> {
      const rows = await db.statusRequest.findMany({
        where: { recipientId: personId, answeredAt: null, closedAt: null },
        include: { workPackage: true, initiative: true },
        orderBy: { dueAt: "asc" },
      });
      return rows.map((r) => ({
        id: r.id,
        label: r.workPackage ? `${r.workPackage.code} ${r.workPackage.name}` : (r.initiative?.title ?? r.subjectKey),
        dueAt: r.dueAt,
      }));
    },

    /** The latest answer for the subject, from this or an earlier period (for prefilling the form). */
    async latestUpdate(subjectKey: string, options: { beforeRequestId?: number } = {}): Promise<StatusUpdate | null> {
      const row = await db.statusUpdate.findFirst({
        where: { request: { subjectKey, ...(options.beforeRequestId ? { id: { lt: options.beforeRequestId } } : {}) } },
        orderBy: { request: { askedAt: "desc" } },
      });
      return row ? toUpdate(row) : null;
    },

    async updateOf(requestId: number): Promise<StatusUpdate | null> {
      const row = await db.statusUpdate.findUnique({ where: { requestId } });
      return row ? toUpdate(row) : null;
    },

    /** Stores the answer of a period; a second answer updates the same row. */
    async saveUpdate(
      requestId: number,
      answer: { health: Health; progress: string; blockers: string; nextSteps: string; helpNeeded: string },
      authorId: number,
      options: { late: boolean; at: Date },
    ): Promise<{ update: StatusUpdate; first: boolean }> {
      const existing = await db.statusUpdate.findUnique({ where: { requestId } });
      const row = existing
        ? await db.statusUpdate.update({ where: { requestId }, data: { ...answer, authorId } })
        : await db.statusUpdate.create({ data: { requestId, ...answer, authorId, late: options.late } });
      await db.statusRequest.updateMany({ where: { id: requestId, answeredAt: null }, data: { answeredAt: options.at } });
      return { update: toUpdate(row), first: !existing };
    },

    /** Records reminder `number`; false when another run recorded it first or the request was answered. */
    async markReminded(id: number, number: number, at: Date): Promise<boolean> {
      const { count } = await db.statusRequest.updateMany({
        where: { id, remindersSent: number - 1, answeredAt: null, closedAt: null },
        data: { remindersSent: number, lastRemindedAt: at },
      });
      return count === 1;
    },

    async markEscalated(id: number, at: Date): Promise<boolean> {
      const { count } = await db.statusRequest.updateMany({ where: { id, escalatedAt: null, answeredAt: null, closedAt: null }, data: { escalatedAt: at } });
      return count === 1;
    },
  };
}
export type StatusRequestsRepository = ReturnType<typeof createStatusRequestsRepository>;
