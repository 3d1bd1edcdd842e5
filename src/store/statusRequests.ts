// Status requests (one per work package or initiative and period).
import type { Tx } from "./client.ts";

export interface PendingStatusRequest {
  id: number;
  /** What the status is about: "WP3 Verktyg och metoder" or the initiative's title. */
  subject: string;
  dueAt: Date;
}

export function createStatusRequestsRepository(db: Tx) {
  return {
    /** Requests waiting for this person's answer: neither answered nor closed. */
    async pendingFor(personId: number): Promise<PendingStatusRequest[]> {
      const rows = await db.statusRequest.findMany({
        where: { recipientId: personId, answeredAt: null, closedAt: null },
        include: { workPackage: true, initiative: true },
        orderBy: { dueAt: "asc" },
      });
      return rows.map((r) => ({
        id: r.id,
        subject: r.workPackage ? `${r.workPackage.code} ${r.workPackage.name}` : (r.initiative?.title ?? r.subjectKey),
        dueAt: r.dueAt,
      }));
    },
  };
}
export type StatusRequestsRepository = ReturnType<typeof createStatusRequestsRepository>;
